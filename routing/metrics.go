package routing

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics holds the engine's Prometheus collectors. Labels are queue names, agent states and
// outcomes only: never call or agent ids.
type metrics struct {
	queueDepth      *prometheus.GaugeVec
	waitSeconds     *prometheus.HistogramVec
	queueResults    *prometheus.CounterVec
	answeredInSL    *prometheus.CounterVec
	serviceLevel    *prometheus.GaugeVec
	agents          [agentStateCount]prometheus.Gauge
	decisions       prometheus.Counter
	decisionSeconds prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	const ns, sub = "switchboard", "routing"
	m := &metrics{
		queueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "queue_depth",
			Help: "Calls waiting in the queue.",
		}, []string{"queue"}),
		waitSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "queue_wait_seconds",
			Help:    "Time calls spent in the queue, by how they left it.",
			Buckets: []float64{1, 5, 10, 20, 30, 60, 120, 300, 600, 1800},
		}, []string{"queue", "result"}),
		queueResults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "queue_results_total",
			Help: "Calls that left the queue, by result (answered, abandoned, overflowed, no_agent, closed, failed).",
		}, []string{"queue", "result"}),
		answeredInSL: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "answered_within_threshold_total",
			Help: "Calls answered within the queue's service level threshold.",
		}, []string{"queue"}),
		serviceLevel: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "service_level_ratio",
			Help: "Calls answered within the queue's service level threshold over calls that finished waiting, since start; NaN before any call finished waiting.",
		}, []string{"queue"}),
		decisions: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "decisions_total",
			Help: "Calls offered to agents.",
		}),
		decisionSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "handle_seconds",
			Help:    "Time the engine took to handle one input, including any routing decision.",
			Buckets: []float64{1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 1e-2},
		}),
	}
	agents := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: ns, Subsystem: sub, Name: "agents",
		Help: "Signed-in agents by state.",
	}, []string{"state"})
	for s := range agentStateCount {
		m.agents[s] = agents.WithLabelValues(s.String())
	}

	collectors := []prometheus.Collector{
		m.queueDepth, m.waitSeconds, m.queueResults, m.answeredInSL, m.serviceLevel, agents, m.decisions, m.decisionSeconds,
	}
	for _, c := range collectors {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register routing metrics (give each engine its own registerer): %w", err)
		}
	}
	return m, nil
}
