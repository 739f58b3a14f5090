package push

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"inboxdesk/delivery"
	"inboxdesk/ticket"
)

// StatusError is a push service's refusal of one push.
type StatusError struct {
	Code   int           // e.g. 429
	Status string        // e.g. "429 Too Many Requests"
	Wait   time.Duration // the answer's Retry-After (0 if none)
}

func (e *StatusError) Error() string { return "push service: " + e.Status }

// RetryAfter makes the sender wait at least as long as the push service asked
// (delivery.RetryAfterer).
func (e *StatusError) RetryAfter() time.Duration { return e.Wait }

// errGone: the push service no longer knows the subscription (404/410).
var errGone = errors.New("push subscription gone")

// errNoDevice fails an alert that has no device left to go to.
var errNoDevice = errors.New("no push subscription left")

// Deliver sends job to each of its recipient's devices (an agent's notice
// to the agent's). A device the push
// service says is gone (404/410) is deleted. The alert is sent once any
// device took it; a device that took it before (a retry) is skipped. A
// temporary refusal (429, 5xx, 401/403, network) on any device retries the
// alert; a permanent one (other 4xx) on every device fails it, as does
// having no device at all.
func (d *Deliverer) Deliver(ctx context.Context, job ticket.AlertJob) error {
	var subs []ticket.PushSubscription
	var err error
	if job.AgentID != 0 {
		subs, err = d.store.PushSubscriptionsByAgent(ctx, job.AgentID)
	} else {
		subs, err = d.store.PushSubscriptionsByEmail(ctx, job.Recipient.Email)
	}
	if err != nil {
		return fmt.Errorf("push alert %d: %w", job.ID, err)
	}
	msg, err := d.payload(job)
	if err != nil {
		return delivery.Permanent(fmt.Errorf("push alert %d: %w", job.ID, err))
	}
	var reached int
	var temporary, permanent []error
	for _, sub := range subs {
		if sub.LastAlertID == job.ID {
			reached++
			continue
		}
		err := d.deliverTo(ctx, job, sub, msg)
		switch {
		case err == nil:
			reached++
		case errors.Is(err, errGone):
		case delivery.IsPermanent(err):
			permanent = append(permanent, err)
		default:
			temporary = append(temporary, err)
		}
	}
	return outcome(job, reached, temporary, permanent)
}

func outcome(job ticket.AlertJob, reached int, temporary, permanent []error) error {
	switch {
	case len(temporary) > 0:
		return fmt.Errorf("push alert %d: %w", job.ID, errors.Join(temporary...))
	case reached > 0:
		return nil
	case len(permanent) > 0:
		return delivery.Permanent(fmt.Errorf("push alert %d: %w", job.ID, errors.Join(permanent...)))
	}
	return delivery.Permanent(errNoDevice)
}

// deliverTo sends msg to one device and records the outcome on it.
func (d *Deliverer) deliverTo(ctx context.Context, job ticket.AlertJob, sub ticket.PushSubscription, msg []byte) error {
	log := d.log.With(slog.Int64("alert", job.ID), slog.Int64("subscription", sub.ID))
	err := d.send(ctx, sub, msg)
	switch {
	case err == nil:
		if err := d.store.MarkPushDelivered(ctx, sub.ID, job.ID); err != nil {
			// Only costs a repeat on this device if the alert is retried.
			log.WarnContext(ctx, "push: record delivery", slog.Any("err", err))
		}
	case errors.Is(err, errGone):
		log.InfoContext(ctx, "push: subscription gone, removing it")
		if err := d.store.DeletePushEndpoint(ctx, sub.Endpoint); err != nil {
			return fmt.Errorf("remove gone subscription %d: %w", sub.ID, err)
		}
	default:
		log.WarnContext(ctx, "push: refused", slog.Any("err", err))
	}
	return err
}

// send posts one encrypted push and classifies the answer.
func (d *Deliverer) send(ctx context.Context, sub ticket.PushSubscription, msg []byte) error {
	resp, err := webpush.SendNotificationWithContext(ctx, msg,
		&webpush.Subscription{Endpoint: sub.Endpoint, Keys: webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth}},
		&webpush.Options{
			HTTPClient:      d.cfg.HTTPClient,
			Subscriber:      strings.TrimPrefix(d.cfg.Subject, "mailto:"), // the library adds "mailto:" back
			TTL:             int(d.cfg.TTL.Seconds()),
			Urgency:         webpush.Urgency(d.cfg.Urgency),
			VAPIDPublicKey:  d.cfg.Keys.Public,
			VAPIDPrivateKey: d.cfg.Keys.Private,
			VapidExpiration: d.cfg.Now().Add(DefaultVAPIDExpiry),
		})
	if err != nil {
		return sendError(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return classify(resp, d.cfg.Now())
}

// DefaultVAPIDExpiry is how far ahead a VAPID token expires (RFC 8292 allows
// at most 24 hours).
const DefaultVAPIDExpiry = 12 * time.Hour

func classify(resp *http.Response, now time.Time) error {
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusNotFound || code == http.StatusGone:
		return errGone
	}
	err := &StatusError{Code: code, Status: resp.Status, Wait: retryAfter(resp.Header.Get("Retry-After"), now)}
	if code == http.StatusTooManyRequests || code >= 500 || code == http.StatusUnauthorized ||
		code == http.StatusForbidden {
		// Overload, or our VAPID setup refused (a configuration matter, like
		// SMTP's MAIL FROM): retried with backoff, failed after MaxTries.
		return err
	}
	return delivery.Permanent(err)
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date (RFC 9110 §10.2.3).
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// sendError classifies an error before any answer: a transport failure is
// temporary (its endpoint URL, a capability — whoever knows it can push to
// the device — is dropped, keeping the host); anything else is a payload
// that cannot be encrypted to the subscription's keys, which no retry cures.
func sendError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		host := ""
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Host
		}
		return fmt.Errorf("push to %s: %w", host, ue.Err)
	}
	return delivery.Permanent(fmt.Errorf("push: %w", err))
}
