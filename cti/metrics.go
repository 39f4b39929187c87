package cti

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Prometheus metrics of every server of a Manager, labelled by server name.
type metrics struct {
	ariEvents         *prometheus.CounterVec
	domainEvents      *prometheus.CounterVec
	translationErrors *prometheus.CounterVec
	restDuration      *prometheus.HistogramVec
	restErrors        *prometheus.CounterVec
	reconnects        *prometheus.CounterVec
	connected         *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		ariEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "switchboard", Subsystem: "cti", Name: "ari_events_total",
			Help: "ARI WebSocket messages received, by ARI event type (\"other\" for types cti does not know).",
		}, []string{"server", "type"}),
		domainEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "switchboard", Subsystem: "cti", Name: "domain_events_total",
			Help: "Domain events emitted, by kind.",
		}, []string{"server", "kind"}),
		translationErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "switchboard", Subsystem: "cti", Name: "translation_errors_total",
			Help: "ARI messages that could not be decoded or lacked a required field.",
		}, []string{"server"}),
		restDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "switchboard", Subsystem: "cti", Name: "rest_request_duration_seconds",
			Help:    "Duration of ARI REST requests, by operation.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"server", "op"}),
		restErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "switchboard", Subsystem: "cti", Name: "rest_errors_total",
			Help: "Failed ARI REST requests, by operation and error kind.",
		}, []string{"server", "op", "kind"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "switchboard", Subsystem: "cti", Name: "reconnects_total",
			Help: "Connection attempts to the ARI events WebSocket after the first.",
		}, []string{"server"}),
		connected: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "switchboard", Subsystem: "cti", Name: "connected",
			Help: "1 while the ARI events WebSocket is connected and reconciled, else 0.",
		}, []string{"server"}),
	}

	for _, c := range []prometheus.Collector{
		m.ariEvents, m.domainEvents, m.translationErrors, m.restDuration, m.restErrors, m.reconnects, m.connected,
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}

	return m, nil
}

// errorKindLabel names a sentinel error for the rest_errors_total label.
func errorKindLabel(kind error) string {
	switch kind {
	case ErrNotFound:
		return "not_found"
	case ErrConflict:
		return "conflict"
	case ErrInvalid:
		return "invalid"
	default:
		return "unavailable"
	}
}
