package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/net/html"

	"inboxdesk/auth"
	"inboxdesk/link"
	"inboxdesk/storage"
	"inboxdesk/testenv/fakeclock"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

// codeRecorder is a CodeMailer that keeps the codes instead of mailing them.
type codeRecorder struct {
	mu      sync.Mutex
	sent    map[string][]string
	invites map[string][]string // invitation links by address (see SendInvite)
}

func (r *codeRecorder) SendCode(_ context.Context, to, code, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent[to] = append(r.sent[to], code)
	return nil
}

func (r *codeRecorder) codes(to string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent[to]...)
}

func (r *codeRecorder) last(t testing.TB, to string) string {
	t.Helper()
	c := r.codes(to)
	if len(c) == 0 {
		t.Fatalf("no code was sent to %s", to)
	}
	return c[len(c)-1]
}

func (r *codeRecorder) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.sent {
		n += len(c)
	}
	return n
}

// env is a running web view over a fresh database.
type env struct {
	t       testing.TB
	ctx     context.Context
	srv     *httptest.Server
	pool    *pgxpool.Pool
	tickets *storage.Store
	auth    *auth.Store
	keys    *link.Keyring
	codes   *codeRecorder
	clock   *fakeclock.Clock
	cp      ticket.Checkpoint
	uid     uint32
}

func newEnv(t *testing.T, mod func(*web.Config, *web.Deps)) *env {
	t.Helper()
	return newEnvServer(t, mod, nil)
}

// newEnvServer is newEnv with srvMod applied to the HTTP server before it starts.
func newEnvServer(t testing.TB, mod func(*web.Config, *web.Deps), srvMod func(*http.Server)) *env {
	t.Helper()
	pool := pgtest.New(t)
	ctx := context.Background()
	c := fakeclock.New()
	keys, err := link.ParseKeys("k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32))))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, pool: pool, keys: keys, clock: c, codes: &codeRecorder{sent: map[string][]string{}},
		tickets: storage.New(pool, storage.Config{Domain: "support.test"}),
		auth:    auth.NewStore(storage.NewSignIn(pool), auth.Config{CodeKey: []byte(strings.Repeat("c", 32)), Now: c.Now})}
	e.srv = httptest.NewUnstartedServer(nil)
	base, _ := link.ParseBaseURL("http://" + e.srv.Listener.Addr().String())
	cfg := web.Config{BaseURL: base, Keys: keys}
	deps := web.Deps{Tickets: e.tickets, Auth: e.auth, Codes: e.codes, Now: c.Now}
	if mod != nil {
		mod(&cfg, &deps)
	}
	h, err := web.New(cfg, deps)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	e.srv.Config.Handler = h
	if srvMod != nil {
		srvMod(e.srv.Config)
	}
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	e.cp = e.mailbox()
	return e
}

func (e *env) mailbox() ticket.Checkpoint {
	id, err := e.tickets.AddMailbox(e.ctx, ticket.Mailbox{Name: "support", URL: "imap://u:p@127.0.0.1:1/INBOX"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.tickets.ResetCheckpoint(e.ctx, ticket.Checkpoint{MailboxID: id}, 1); err != nil {
		e.t.Fatal(err)
	}
	return ticket.Checkpoint{MailboxID: id, UIDValidity: 1}
}

// mailIn ingests a customer's mail and returns the ticket number it touched.
func (e *env) mailIn(in *ticket.Inbound) int64 {
	e.t.Helper()
	e.uid++
	res, err := e.tickets.IngestBatch(e.ctx, e.cp, []ticket.Mail{{UID: e.uid, Raw: []byte("raw"), Parsed: in}})
	if err != nil {
		e.t.Fatalf("ingest: %v", err)
	}
	e.cp.LastUID = e.uid
	return res[0].Ticket
}

// mail builds an inbound mail.
func mail(from, subject, text, htmlBody string, atts ...ticket.Attachment) *ticket.Inbound {
	sum := sha256.Sum256([]byte(from + subject + text + htmlBody + fmt.Sprint(len(atts))))
	return &ticket.Inbound{
		MessageID:   fmt.Sprintf("%x@example.org", sum[:8]),
		From:        ticket.Address{Name: "", Email: from},
		Subject:     subject,
		Text:        text,
		HTML:        htmlBody,
		Attachments: atts,
		ContentHash: sum[:],
	}
}

func (e *env) ticketByNumber(n int64) *ticket.Ticket {
	e.t.Helper()
	tk, err := e.tickets.TicketByNumber(e.ctx, n)
	if err != nil {
		e.t.Fatal(err)
	}
	return tk
}

// linkFor signs the magic link an alert would carry.
func (e *env) linkFor(n int64, email string) string {
	tok := e.keys.Sign(link.Claims{Ticket: n, Email: email, Purpose: link.PurposeTicket, Expires: e.clock.Now().Add(72 * time.Hour)})
	return "/t/" + fmt.Sprint(n) + "?k=" + tok
}

// agent creates an agent and returns its id.
func (e *env) agent(email string) int64 {
	e.t.Helper()
	a, err := e.auth.CreateAgent(e.ctx, email, "Zoe Agent", "a long enough secret")
	if err != nil {
		e.t.Fatal(err)
	}
	return a.ID
}

// browser is a client with a cookie jar that follows redirects, as a person would.
type browser struct {
	t   testing.TB
	e   *env
	c   *http.Client
	hdr http.Header // added to every request
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, c: &http.Client{Jar: jar}, hdr: http.Header{}}
}

// page is a response, read.
type page struct {
	t      testing.TB
	status int
	body   string
	url    *url.URL
	header http.Header
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	for k, v := range b.hdr {
		req.Header[k] = v
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return &page{t: b.t, status: resp.StatusCode, body: string(body), url: resp.Request.URL, header: resp.Header}
}

// noFollow sends a request with the browser's cookies and returns the
// response itself, redirects not followed.
func (b *browser) noFollow(method, path string) *http.Response {
	b.t.Helper()
	c := &http.Client{Jar: b.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	req, _ := http.NewRequest(method, b.e.srv.URL+path, nil)
	resp, err := c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

type upload struct {
	name string
	data []byte
}

// postMultipart posts fields (in order) and then the files, as a browser
// sends a form whose file input comes after its text.
func (b *browser) postMultipart(path string, fields [][2]string, files ...upload) *page {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		_ = mw.WriteField(f[0], f[1])
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("files", f.name)
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// signIn walks /login → code → My tickets for email.
func (b *browser) signIn(email string) *page {
	b.t.Helper()
	p := b.get("/login")
	p = b.post("/login", url.Values{"csrf": {p.input("csrf")}, "email": {email}})
	if p.status != http.StatusOK || p.url.Path != "/code" {
		b.t.Fatalf("after /login: %d %s", p.status, p.url)
	}
	p = b.post("/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}, "code": {b.e.codes.last(b.t, email)}})
	if p.status != http.StatusOK || p.url.Path != "/my" {
		b.t.Fatalf("after the code: %d %s\n%s", p.status, p.url, p.body)
	}
	return p
}

func (p *page) doc() *html.Node {
	p.t.Helper()
	n, err := html.Parse(strings.NewReader(p.body))
	if err != nil {
		p.t.Fatalf("parse page: %v", err)
	}
	return n
}

// input returns the value of the first input named name (hidden fields too).
func (p *page) input(name string) string {
	p.t.Helper()
	var val string
	found := false
	walk(p.doc(), func(n *html.Node) {
		if !found && n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") == name {
			val, found = attr(n, "value"), true
		}
	})
	if !found {
		p.t.Fatalf("no input %q on %s (status %d)\n%s", name, p.url, p.status, p.body)
	}
	return val
}

// byID returns the element with the id, or nil.
func (p *page) byID(id string) *html.Node {
	return elementByID(p.doc(), id)
}

// text returns the text inside the element with the id ("" when none).
func (p *page) text(id string) string {
	n := p.byID(id)
	if n == nil {
		return ""
	}
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func (p *page) want(status int, substrings ...string) {
	p.t.Helper()
	if p.status != status {
		p.t.Fatalf("%s: status %d, want %d\n%s", p.url, p.status, status, p.body)
	}
	for _, s := range substrings {
		if !strings.Contains(p.body, s) {
			p.t.Fatalf("%s: page lacks %q\n%s", p.url, s, p.body)
		}
	}
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// otherToken returns a token that differs from tok in its first character.
func otherToken(tok string) string {
	if tok[0] == 'x' {
		return "y" + tok[1:]
	}
	return "x" + tok[1:]
}

// pngBytes is a valid 1×1 PNG.
var pngBytes, _ = base64.StdEncoding.DecodeString(
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
