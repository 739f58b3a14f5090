package devmail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"sync"
)

// runner owns a protocol server's listener and accept loop, and stops them
// once, on Close or when the start context is cancelled.
type runner struct {
	ln       net.Listener
	logger   *slog.Logger
	shutdown func() error // the protocol server's Close

	served    chan struct{} // closed when the accept loop has returned
	closed    chan struct{} // closed by close
	closeOnce sync.Once
	closeErr  error
}

// listen opens a TCP listener on addr for a server named name ("imap").
// A nil logger discards the server's logs.
func listen(ctx context.Context, name, addr string, logger *slog.Logger) (*runner, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("devmail: %s listen: %w", name, err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &runner{
		ln:     ln,
		logger: logger.With("server", name),
		served: make(chan struct{}),
		closed: make(chan struct{}),
	}, nil
}

// start runs serve on the listener until shutdown is called, by close or
// when ctx is cancelled.
func (r *runner) start(ctx context.Context, serve func(net.Listener) error, shutdown func() error) {
	r.shutdown = shutdown
	go func() {
		defer close(r.served)
		if err := serve(r.ln); err != nil {
			r.logger.Debug("devmail: serve stopped", slog.Any("err", err))
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = r.close()
		case <-r.closed:
		}
	}()
	r.logger.Info("devmail: listening", "addr", r.addr())
}

func (r *runner) addr() string {
	return r.ln.Addr().String()
}

// close shuts the server down and waits for the accept loop to end; later
// calls return the first call's result.
func (r *runner) close() error {
	r.closeOnce.Do(func() {
		close(r.closed)
		r.closeErr = r.shutdown()
		// serve may not have registered the listener yet; close it here too.
		if err := r.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) && r.closeErr == nil {
			r.closeErr = err
		}
		<-r.served
	})
	return r.closeErr
}

// printfLogger adapts the runner's logger to the Printf-style loggers the
// protocol libraries take; their messages are about connections, never
// bodies.
func (r *runner) printfLogger() *log.Logger {
	if r.logger.Handler() == slog.DiscardHandler {
		return log.New(io.Discard, "", 0)
	}
	return slog.NewLogLogger(r.logger.Handler(), slog.LevelWarn)
}
