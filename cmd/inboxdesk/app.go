package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/api"
	"inboxdesk/auth"
	"inboxdesk/inbound"
	"inboxdesk/lang"
	"inboxdesk/metrics"
	"inboxdesk/oauth"
	"inboxdesk/outbound"
	"inboxdesk/push"
	"inboxdesk/storage"
	"inboxdesk/ticket"
	"inboxdesk/web"
	"inboxdesk/webhook"
)

// app is the running product: web view, poller schedule, alert sender and
// housekeeping, sharing one database pool. serve and demo both run one.
type app struct {
	cfg       *Config
	log       *slog.Logger
	pool      *pgxpool.Pool
	store     *storage.Store
	auth      *auth.Store
	poller    *inbound.Poller
	sched     *inbound.Scheduler
	sender    *outbound.Sender
	webhooks  *webhook.Sender
	transport *outbound.Transport
	web       http.Handler
	live      *web.Live
	metrics   *metrics.Metrics
	mux       *http.ServeMux
	// listener, when set, is where run serves (the demo listens before it
	// knows its base URL); nil means cfg.Listen.
	listener net.Listener
	tune     appTuning
}

// appTuning holds what the demo sets differently from production.
type appTuning struct {
	senderPoll time.Duration // how often the sender looks for due alerts
	// The web server's timeouts (see httpServer); zero means the default.
	readHeaderTimeout, readTimeout, idleTimeout time.Duration
}

func (t appTuning) withDefaults() appTuning {
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&t.readHeaderTimeout, 10 * time.Second}, {&t.readTimeout, time.Minute}, {&t.idleTimeout, 2 * time.Minute}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	return t
}

func newApp(ctx context.Context, cfg *Config, log *slog.Logger, tune appTuning) (*app, error) {
	// Every page, alert and push text comes from the catalog: an incomplete
	// one stops start-up here, naming the language and the key.
	if _, err := lang.Messages(); err != nil {
		return nil, err
	}
	pool, err := openDB(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, pool: pool, tune: tune}
	if err := a.build(ctx, tune); err != nil {
		pool.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) build(ctx context.Context, tune appTuning) error {
	cfg := a.cfg
	a.store = storage.New(a.pool, storage.Config{ReopenWindow: cfg.ReopenWindow, CoalesceWindow: cfg.Coalesce,
		AlertsPerHour: cfg.AlertsPerHour, Domain: cfg.Domain, Secrets: cfg.SecretKeys, OwnAddresses: cfg.OwnAddresses})
	a.metrics = metrics.New(a.store, a.log)
	a.auth = auth.NewStore(storage.NewSignIn(a.pool), auth.Config{CodeKey: cfg.LinkKeys.Derive("one-time codes")})
	grants := oauth.NewStore(storage.NewOAuthGrants(a.pool), oauth.Options{Keys: cfg.SecretKeys, Observe: a.metrics.OAuthRefresh})
	if err := sealSecrets(ctx, a.store, grants, a.log); err != nil {
		return err
	}
	opts := inbound.DefaultOptions()
	opts.Observe = inbound.WakeOnNewTickets{Observer: a.metrics, Wake: func() { a.sender.Wake() }}
	opts.Tokens = grants
	opts.TrustedAuthservID = cfg.AuthservID
	opts.CommandTimeout, opts.PollTimeout, opts.StalledAfter = cfg.IMAPTimeout, cfg.PollTimeout, cfg.StalledPolls
	a.poller = inbound.NewPoller(a.store, a.log, opts)
	a.sched = inbound.NewScheduler(a.poller, a.store, a.log)
	var err error
	if a.transport, err = outbound.NewTransport(cfg.SMTPURL, outbound.TransportOptions{Tokens: grants}); err != nil {
		return fmt.Errorf("INBOXDESK_SMTP_URL (--smtp-url): %w", err)
	}
	from := ticket.Address{Name: cfg.From.Name, Email: cfg.From.Address}
	comp, err := outbound.NewComposer(outbound.ComposeConfig{From: from, Keys: cfg.LinkKeys, BaseURL: cfg.BaseURL,
		DefaultLanguage: cfg.Language, Domain: cfg.Domain, Brand: cfg.Brand})
	if err != nil {
		return err
	}
	pd, err := push.Open(ctx, push.Config{Keys: cfg.VAPID, Subject: cfg.VAPIDSubject, LinkKeys: cfg.LinkKeys,
		BaseURL: cfg.BaseURL, DefaultLanguage: cfg.Language}, a.store, a.log)
	if err != nil {
		return err
	}
	a.sender, err = outbound.NewSender(outbound.SenderConfig{Queue: a.store, Logger: a.log,
		PollInterval: tune.senderPoll,
		Deliverers: map[string]outbound.Deliverer{
			"email": outbound.EmailDeliverer{Composer: comp, Mailer: a.transport},
			"push":  pd,
		}})
	if err != nil {
		return err
	}
	codes, err := outbound.NewCodeMail(comp, a.transport, 10*time.Minute)
	if err != nil {
		return err
	}
	a.live = web.NewLive(a.store, a.log, a.metrics.LiveListenLost)
	a.web, err = web.New(web.Config{BaseURL: cfg.BaseURL, Keys: cfg.LinkKeys, MaxUploadBytes: cfg.UploadMax,
		DefaultLanguage: cfg.Language, PushPublicKey: pd.PublicKey(),
		ClientIPHeader: cfg.ClientIP, TrustedAuthservID: cfg.AuthservID, Brand: cfg.Brand,
		WebhookAllowPrivate: cfg.WebhookPrivate},
		web.Deps{Tickets: a.store, Auth: a.auth, Codes: codes, Live: a.live, Logger: a.log})
	if err != nil {
		return err
	}
	a.mux = http.NewServeMux()
	a.mux.Handle("/", a.web)
	rest, err := api.New(api.Deps{Tickets: a.store, Auth: a.auth}, api.Config{MaxUploadBytes: cfg.UploadMax}, a.log)
	if err != nil {
		return err
	}
	a.mux.Handle("/api/v1/", rest.Handler())
	hookCfg := webhook.Config{}
	if cfg.WebhookPrivate {
		hookCfg.Client = &http.Client{}
	}
	a.webhooks = webhook.NewSender(a.store, hookCfg, a.log)
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	a.mux.HandleFunc("GET /readyz", a.ready)
	return nil
}

// ready answers 200 when the database answers and its schema is current.
func (a *app) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	current, err := storage.MigrationsCurrent(ctx, a.pool)
	switch {
	case err != nil:
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
	case !current:
		http.Error(w, "database schema not current", http.StatusServiceUnavailable)
	default:
		fmt.Fprintln(w, "ready")
	}
}

// run serves until ctx is cancelled, then shuts down: the HTTP server stops
// taking requests, polls finish the batch they are committing, the sender
// records what it sent.
func (a *app) run(ctx context.Context) error {
	srv := a.httpServer(a.metrics.Middleware(a.mux))
	ln := a.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", a.cfg.Listen); err != nil {
			return fmt.Errorf("INBOXDESK_LISTEN (--listen) %s: %w", a.cfg.Listen, err)
		}
	}
	a.log.Info("listening", "addr", ln.Addr().String(), "base_url", a.cfg.BaseURL.String())
	errc := make(chan error, 1)
	go func() {
		var err error
		if a.cfg.TLSCert != "" {
			err = srv.ServeTLS(ln, a.cfg.TLSCert, a.cfg.TLSKey)
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("serving on %s: %w", ln.Addr(), err)
		}
	}()
	metricsSrv, err := a.serveMetrics(errc)
	if err != nil {
		_ = srv.Close()
		return err
	}
	var wg sync.WaitGroup
	for _, loop := range []func(context.Context){
		func(ctx context.Context) { _ = a.sched.Run(ctx) },
		a.sender.Run,
		a.webhooks.Run,
		func(ctx context.Context) { _ = a.live.Run(ctx) },
		a.housekeeping,
	} {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx) }()
	}
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	a.log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	if metricsSrv != nil {
		_ = metricsSrv.Shutdown(shut)
	}
	wg.Wait()
	a.close()
	return err
}

// serveMetrics serves /metrics on its own listener (--metrics-listen), so
// that it is never public on the web port; nil when not configured. A
// serving failure goes to errc.
func (a *app) serveMetrics(errc chan<- error) (*http.Server, error) {
	if a.cfg.MetricsListen == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", a.cfg.MetricsListen)
	if err != nil {
		return nil, fmt.Errorf("INBOXDESK_METRICS_LISTEN (--metrics-listen) %s: %w", a.cfg.MetricsListen, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
	a.log.Info("metrics listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			select {
			case errc <- fmt.Errorf("serving metrics on %s: %w", ln.Addr(), err):
			default:
			}
		}
	}()
	return srv, nil
}

// httpServer returns the server for h with the timeouts of tune (defaults
// where zero): a client must send its headers, and then its whole request,
// within a deadline, and an idle keep-alive connection is closed, so slow or
// silent clients cannot hold connections forever. Handlers that need longer
// (uploads, the live event stream) move their own deadline.
func (a *app) httpServer(h http.Handler) *http.Server {
	t := a.tune.withDefaults()
	return &http.Server{Addr: a.cfg.Listen, Handler: h, ReadHeaderTimeout: t.readHeaderTimeout,
		ReadTimeout: t.readTimeout, IdleTimeout: t.idleTimeout,
		ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
}

func (a *app) close() {
	a.poller.Close()
	_ = a.transport.Close()
	a.pool.Close()
}

// housekeeping closes old resolved tickets, erases tickets past retention and sweeps expired sessions and codes.
func (a *app) housekeeping(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if a.cfg.AutoClose > 0 {
			if n, err := a.store.AutoClose(ctx, a.cfg.AutoClose); err != nil {
				a.log.Error("auto-close", "err", err)
			} else if n > 0 {
				a.log.Info("auto-closed resolved tickets", "count", n)
			}
		}
		if a.cfg.Retention > 0 {
			if n, err := a.store.EraseClosedBefore(ctx, a.cfg.Retention); err != nil {
				a.log.Error("retention erase", "err", err)
			} else if n.Tickets > 0 {
				a.log.Info("erased tickets past retention", "count", n.Tickets)
			}
		}
		if _, err := a.auth.Sweep(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("sweep sessions and codes", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
