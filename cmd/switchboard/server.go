package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// httpServer runs an application's handler on a TCP listener. Start binds and serves in a
// goroutine that Stop waits for; Stop is safe to call once Start has returned nil.
type httpServer struct {
	logger *slog.Logger
	server *http.Server
	app    *application

	listener net.Listener
	// done is closed when Serve has returned; serveErr is its result, written before.
	done     chan struct{}
	serveErr error
}

func newHTTPServer(logger *slog.Logger, listen string, app *application) *httpServer {
	return &httpServer{
		logger: logger,
		app:    app,
		server: &http.Server{
			Addr:    listen,
			Handler: app.handler,
			// Slow-loris protection; request bodies are bounded by the handlers that read them.
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
	}
}

// Start binds the listen address and serves in the background.
func (s *httpServer) Start() error {
	listener, err := net.Listen("tcp", s.server.Addr)
	if err != nil {
		return newUserError(func(m *messages) string { return m.listenFailed }, s.server.Addr, err)
	}
	s.listener = listener
	s.done = make(chan struct{})

	go func() {
		defer close(s.done)
		err := s.server.Serve(listener)
		if !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = fmt.Errorf("serve HTTP on %s: %w", listener.Addr(), err)
		}
	}()
	s.logger.Info("HTTP server listening", "address", listener.Addr().String())
	return nil
}

// Addr returns the bound address, which differs from http.listen when its port is 0.
func (s *httpServer) Addr() string { return s.listener.Addr().String() }

// Done returns a channel closed when serving has stopped, on its own or through Stop.
func (s *httpServer) Done() <-chan struct{} { return s.done }

// Stop marks the server not ready, stops accepting connections and waits for in-flight
// requests until ctx ends; then it closes the remaining connections.
func (s *httpServer) Stop(ctx context.Context) error {
	s.app.readiness.stopping.Store(true)

	s.logger.Info("shutdown: stopping the HTTP server")
	err := s.server.Shutdown(ctx)
	if err != nil {
		s.logger.Warn("shutdown: grace period over, closing the remaining connections", "error", err)
		err = errors.Join(err, s.server.Close())
	}
	<-s.done
	return errors.Join(err, s.serveErr)
}
