package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"inboxdesk/push"
	"inboxdesk/storage"
	"inboxdesk/ticket"
)

// Config tunes the sender; zero values take the defaults.
type Config struct {
	Timeout  time.Duration // one attempt; default 10s
	Lease    time.Duration // how long a claimed delivery is held; default Timeout + 30s
	Backoff  time.Duration // first retry after this, doubling; default 30s
	MaxWait  time.Duration // longest wait between tries; default 1h
	MaxTries int           // then the delivery is failed; default 10
	Batch    int           // deliveries claimed at once; default 20
	Idle     time.Duration // pause when nothing is due; default 2s
	// Client sends the requests; default one that dials only public
	// addresses (give a plain client to allow private targets).
	Client *http.Client
}

// Sender sends due deliveries.
type Sender struct {
	store *storage.Store
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
}

// NewSender returns a sender over store.
func NewSender(store *storage.Store, cfg Config, log *slog.Logger) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = cfg.Timeout + 30*time.Second
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = time.Hour
	}
	if cfg.MaxTries <= 0 {
		cfg.MaxTries = 10
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 20
	}
	if cfg.Idle <= 0 {
		cfg.Idle = 2 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = push.PublicOnlyClient(cfg.Timeout)
	}
	return &Sender{store: store, cfg: cfg, log: log, now: time.Now}
}

// Run sends deliveries until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := s.SendDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("webhooks", "err", err)
		}
		if n == 0 || err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(s.cfg.Idle):
			}
		}
	}
}

// SendDue claims and sends one batch of due deliveries; it returns how many
// were attempted. A delivery cut off by ctx is left claimed: its lease runs
// out and it is sent again, as after a crash.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	jobs, err := s.store.ClaimWebhookJobs(ctx, s.cfg.Batch, s.cfg.Lease)
	if err != nil {
		return 0, err
	}
	for i, j := range jobs {
		res := s.attempt(ctx, j)
		if ctx.Err() != nil {
			return i, ctx.Err()
		}
		if err := s.store.FinishWebhookJob(ctx, j.ID, res); err != nil && !errors.Is(err, ticket.ErrNotFound) {
			return i + 1, err
		}
	}
	return len(jobs), nil
}

// attempt sends one delivery and says what to record.
func (s *Sender) attempt(ctx context.Context, j ticket.WebhookJob) ticket.WebhookResult {
	id, ts := "msg_"+strconv.FormatInt(j.ID, 10), s.now().Unix()
	sig, err := Sign(j.Secret, id, ts, j.Payload)
	if err != nil {
		return ticket.WebhookResult{Err: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, bytes.NewReader(j.Payload))
	if err != nil {
		return ticket.WebhookResult{Err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "inboxdesk-webhooks")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a secret
		}
		return s.retry(j, ticket.WebhookResult{Err: "no answer: " + err.Error()})
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	res := ticket.WebhookResult{Status: resp.StatusCode, Response: string(bytes.ToValidUTF8(body, nil))}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return res
	case resp.StatusCode >= 500 || resp.StatusCode == 408 || resp.StatusCode == 429:
		res.Err = fmt.Sprintf("answered %d", resp.StatusCode)
		return s.retry(j, res)
	}
	res.Err = fmt.Sprintf("refused with %d", resp.StatusCode)
	return res
}

// retry sets when to try again: Backoff doubling per try up to MaxWait, or
// never once MaxTries were made.
func (s *Sender) retry(j ticket.WebhookJob, res ticket.WebhookResult) ticket.WebhookResult {
	if j.Tries >= s.cfg.MaxTries {
		return res
	}
	res.Retry = min(s.cfg.MaxWait, s.cfg.Backoff<<min(j.Tries-1, 20))
	return res
}
