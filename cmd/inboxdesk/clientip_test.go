package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"inboxdesk/link"
	"inboxdesk/testenv/pgtest"
)

var csrfValue = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Behind a load balancer every customer comes from the proxy's address:
// with --client-ip-header the per-client limit on sign-in codes counts each
// customer apart, instead of refusing everyone once a few have signed in.
func TestClientIPHeaderSeparatesCustomersBehindAProxy(t *testing.T) {
	db := pgtest.NewURL(t)
	keys := link.GenerateKey()
	codeRequests := func(header string) (limited int) {
		args := []string{"--database-url", db, "--link-keys", keys, "--smtp-url", "smtp://127.0.0.1:1"}
		if header != "" {
			args = append(args, "--client-ip-header", header)
		}
		cfg, err := parseConfig(newFlags("serve", io.Discard), args)
		if err != nil {
			t.Fatal(err)
		}
		a, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler), appTuning{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.close()
		srv := httptest.NewServer(a.mux)
		defer srv.Close()
		for i := range 12 {
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}
			resp, err := c.Get(srv.URL + "/login")
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			m := csrfValue.FindSubmatch(page)
			if m == nil {
				t.Fatalf("no CSRF field on /login")
			}
			form := url.Values{"csrf": {string(m[1])}, "email": {fmt.Sprintf("%s%d@example.org", header, i)}}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", srv.URL)
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.0.1, 203.0.113.%d", i+1))
			resp, err = c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests {
				limited++
			}
		}
		return limited
	}
	if n := codeRequests(""); n == 0 {
		t.Fatal("without the setting, twelve code requests from one address were never limited")
	}
	if n := codeRequests("X-Forwarded-For"); n != 0 {
		t.Fatalf("%d of twelve customers behind the proxy were refused a code", n)
	}
}
