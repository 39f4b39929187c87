package ws

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the gateway's Prometheus metrics.
type Metrics struct {
	clients        prometheus.Gauge
	dropped        prometheus.Counter
	sent           prometheus.Counter
	framesRejected *prometheus.CounterVec
}

// NewMetrics creates the gateway metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		clients: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "switchboard", Subsystem: "ws", Name: "clients",
			Help: "WebSocket connections currently open.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "switchboard", Subsystem: "ws", Name: "slow_clients_dropped_total",
			Help: "WebSocket connections closed because their send queue was full.",
		}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "switchboard", Subsystem: "ws", Name: "messages_sent_total",
			Help: "Frames written to WebSocket clients, hello, replies and notifications.",
		}),
		framesRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "switchboard", Subsystem: "ws", Name: "frames_rejected_total",
			Help: "Inbound frames rejected, by reason: too_large, binary.",
		}, []string{"reason"}),
	}

	for _, c := range []prometheus.Collector{m.clients, m.dropped, m.sent, m.framesRejected} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register websocket metrics: %w", err)
		}
	}
	return m, nil
}
