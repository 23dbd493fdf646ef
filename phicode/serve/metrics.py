"""``GET /metrics``: the service's counters in Prometheus's text format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class Metrics:
    """Requests by status code, answers by verdict, and request seconds (sum, count, max)."""

    requests: Counter[int] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)
    seconds_sum: float = 0.0
    seconds_max: float = 0.0
    seconds_count: int = 0

    def request(self, code: int, seconds: float) -> None:
        self.requests[code] += 1
        self.seconds_sum += seconds
        self.seconds_count += 1
        self.seconds_max = max(self.seconds_max, seconds)

    def text(self, waiting: int, running: int) -> str:
        lines = [
            "# TYPE phicode_requests_total counter",
            *(
                f'phicode_requests_total{{code="{c}"}} {n}'
                for c, n in sorted(self.requests.items())
            ),
            "# TYPE phicode_answers_total counter",
            *(
                f'phicode_answers_total{{status="{s}"}} {n}'
                for s, n in sorted(self.answers.items())
            ),
            "# TYPE phicode_request_seconds summary",
            f"phicode_request_seconds_sum {self.seconds_sum:.6f}",
            f"phicode_request_seconds_count {self.seconds_count}",
            "# TYPE phicode_request_seconds_max gauge",
            f"phicode_request_seconds_max {self.seconds_max:.6f}",
            "# TYPE phicode_answers_waiting gauge",
            f"phicode_answers_waiting {waiting}",
            "# TYPE phicode_answers_running gauge",
            f"phicode_answers_running {running}",
        ]
        return "\n".join(lines) + "\n"
