package bench

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"inboxdesk/auth"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// noCodes is a CodeMailer for a web view whose visitors already have a session.
type noCodes struct{}

func (noCodes) SendCode(context.Context, string, string, string) error { return nil }

// TestTicketPageRequestsPerSecond loads a signed-in customer's 50-message
// ticket page from 64 keep-alive clients, against the real handler on real
// stores, beside a bare net/http handler that writes the same bytes (the
// ceiling of the server and load generator on this machine).
func TestTicketPageRequestsPerSecond(t *testing.T) {
	enabled(t)
	const clients, messages = 64, 50
	store := storage.New(pgtest.New(t), storage.DefaultConfig())
	u, cookie := ticketPage(t, store, messages)
	page := fetchOnce(t, u, cookie)
	if !strings.Contains(string(page), "message 49 of the conversation") {
		t.Fatalf("ticket page does not show the whole conversation:\n%.2000s", page)
	}
	bare := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	}))
	const warm, dur = time.Second, 8 * time.Second
	stop := profile(t, "page")
	ours := load(t, u, cookie, clients, warm, dur)
	stop()
	ceiling := load(t, bare+"/", cookie, clients, warm, dur)
	addRow(row{figure: fmt.Sprintf("customer ticket page, %d messages (%d KB), %d keep-alive clients on loopback",
		messages, len(page)/1000, clients),
		ours:     fmt.Sprintf("%.0f req/s, p50 %s, p99 %s", ours.rate, ms(ours.p50), ms(ours.p99)),
		baseline: fmt.Sprintf("%.0f req/s bare net/http writing the same page", ceiling.rate),
		ratio:    fmt.Sprintf("%.0f%%", 100*ours.rate/ceiling.rate),
		target:   "≥ 3,000 req/s, p99 < 50 ms", met: ours.rate >= 3000 && ours.p99 < 50*time.Millisecond})
}

// ticketPage opens a ticket of n messages and returns its customer page's URL
// on a served web handler, with the customer's session cookie.
func ticketPage(t *testing.T, store *storage.Store, n int) (string, *http.Cookie) {
	ctx := context.Background()
	number := fiftyMessageTicket(t, store, n)
	tk, err := store.TicketByNumber(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	h, authStore := webHandler(t, store, nil)
	sess, err := authStore.CreateSession(ctx, auth.RoleCustomer, tk.RequesterID)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s/tickets/%d", serve(t, h), number), &http.Cookie{Name: "inboxdesk_session", Value: sess.ID}
}

// fiftyMessageTicket opens a ticket by mail and threads n-1 more messages
// into it, customer mail and agent replies in turn; it returns its number.
func fiftyMessageTicket(t *testing.T, store *storage.Store, n int) int64 {
	ctx := context.Background()
	cp := offlineMailbox(t, store, "page")
	rng := rand.New(rand.NewPCG(7, 8))
	var number, ticketID int64
	for i := 0; i < n; i++ {
		text := fmt.Sprintf("message %d of the conversation\n%s", i, string(corpusMail(rng, i, 1500, 0)[300:]))
		if i%2 == 1 {
			if _, err := store.Act(ctx, 0, ticket.ActReply, ticket.Post{TicketID: ticketID, Text: text}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		sum := sha256.Sum256([]byte(text))
		in := &ticket.Inbound{MessageID: fmt.Sprintf("page%d@example.org", i), From: ticket.Address{Name: "Ana", Email: "ana@example.org"},
			Subject: "Printer on fire", Text: text, ContentHash: sum[:]}
		if i > 0 {
			in.InReplyTo = []string{"page0@example.org"}
		}
		res, err := store.IngestBatch(ctx, cp, []ticket.Mail{{UID: uint32(i + 1), Raw: []byte("x"), Parsed: in}})
		if err != nil {
			t.Fatal(err)
		}
		cp.LastUID = uint32(i + 1)
		if number = res[0].Ticket; ticketID == 0 {
			tk, err := store.TicketByNumber(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			ticketID = tk.ID
		}
	}
	return number
}

// serve runs h on a loopback port until the test ends and returns its base URL.
func serve(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

func fetchOnce(t *testing.T, u string, c *http.Cookie) []byte {
	req, _ := http.NewRequest("GET", u, nil)
	req.AddCookie(c)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return b
}

type loadResult struct {
	rate     float64
	p50, p99 time.Duration
}

// load is the load generator: clients goroutines each GET u in a loop over
// keep-alive connections; requests started in the warm-up are not counted,
// and each client measures at least one request (a page slower than the
// measured time still gets its figure).
func load(t *testing.T, u string, c *http.Cookie, clients int, warm, dur time.Duration) loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	start := time.Now()
	from, until := start.Add(warm), start.Add(warm+dur)
	lat := make([][]time.Duration, clients)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", u, nil)
			req.AddCookie(c)
			for {
				t0 := time.Now()
				if t0.After(until) && len(lat[i]) > 0 {
					return
				}
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errs <- fmt.Errorf("GET %s: %w", u, err)
					return
				}
				if t0.After(from) {
					lat[i] = append(lat[i], time.Since(t0))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) == 0 {
		t.Fatal("no request finished")
	}
	return loadResult{rate: float64(len(all)) / time.Since(from).Seconds(), p50: all[len(all)/2], p99: all[len(all)*99/100]}
}
