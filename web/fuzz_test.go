package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/web"
)

// fuzzTarget is a form the fuzzer posts to.
type fuzzTarget struct {
	path      string
	b         *browser
	csrf      string
	fields    []string          // filled from the fuzzer's strings
	fixed     map[string]string // filled as a real page would
	multipart bool
}

// FuzzFormsAndSignIn posts random bytes to the sign-in, code and reply
// handlers, as field values and as whole bodies of either form encoding:
// whatever arrives, the answer is never a server error.
func FuzzFormsAndSignIn(f *testing.F) {
	e := newEnvServer(f, func(c *web.Config, _ *web.Deps) { c.ClientIPHeader = "X-Forwarded-For" }, nil)
	n := e.mailIn(mail("ana@example.org", "Hi", "first", ""))
	e.agent("zoe@support.example")
	anon := e.browser()
	code := anon.codePage("bob@example.org")
	k, anonCSRF := code.input("k"), code.input("csrf")
	cust := e.browser()
	cust.signIn("ana@example.org")
	custCSRF := cust.get(fmt.Sprintf("/tickets/%d", n)).input("csrf")
	targets := []fuzzTarget{
		{path: "/login", b: anon, csrf: anonCSRF, fields: []string{"email"}},
		{path: "/code", b: anon, csrf: anonCSRF, fields: []string{"code"}, fixed: map[string]string{"k": k}},
		{path: "/code", b: anon, csrf: anonCSRF, fields: []string{"k", "code"}},
		{path: "/agent/login", b: anon, csrf: anonCSRF, fields: []string{"email", "password"}},
		{path: fmt.Sprintf("/t/%d/code", n), b: anon, csrf: anonCSRF, fields: []string{"k"}},
		{path: fmt.Sprintf("/tickets/%d/reply", n), b: cust, csrf: custCSRF, fields: []string{"text"}, multipart: true},
		{path: "/tickets", b: cust, csrf: custCSRF, fields: []string{"subject", "text"}, multipart: true},
	}
	for i := range targets {
		f.Add(uint8(i), false, "ana@example.org", "123456", []byte("hello"))
		f.Add(uint8(i), false, "a\x00b", "\xff\xfe", []byte{0, 0xff})
		f.Add(uint8(i), true, "", "", []byte("csrf="+targets[i].csrf+"&email=%zz&code=%00"))
		f.Add(uint8(i), true, "", "", []byte("--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"+
			targets[i].csrf+"\r\n--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\u202e.exe\"\r\n\r\nMZ\r\n--B--"))
	}
	f.Add(uint8(0), false, strings.Repeat("é", 300)+"@example.org", "", []byte(nil))
	calls := 0
	f.Fuzz(func(t *testing.T, target uint8, raw bool, a, b string, body []byte) {
		tg := targets[int(target)%len(targets)]
		calls++
		req := fuzzRequest(e, tg, raw, a, b, body)
		// A client of its own each time, so that the per-client limits do
		// not answer everything with 429.
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", calls>>16&255, calls>>8&255, calls&255))
		resp, err := tg.b.c.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", tg.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("POST %s (raw %v, %q, %q, %q): status %d", tg.path, raw, a, b, body, resp.StatusCode)
		}
	})
}

// fuzzRequest builds the request: body as it is (raw), or a form of the
// target's fields filled with a and b, a file of body's bytes for a
// multipart form.
func fuzzRequest(e *env, tg fuzzTarget, raw bool, a, b string, body []byte) *http.Request {
	vals := [][2]string{{"csrf", tg.csrf}}
	for name, v := range tg.fixed {
		vals = append(vals, [2]string{name, v})
	}
	for i, name := range tg.fields {
		vals = append(vals, [2]string{name, []string{a, b}[i%2]})
	}
	var buf bytes.Buffer
	ct := "application/x-www-form-urlencoded"
	switch {
	case raw && tg.multipart:
		buf.Write(body)
		ct = "multipart/form-data; boundary=B"
	case raw:
		buf.Write(body)
	case tg.multipart:
		mw := multipart.NewWriter(&buf)
		for _, v := range vals {
			_ = mw.WriteField(v[0], v[1])
		}
		w, _ := mw.CreateFormFile("files", a)
		_, _ = w.Write(body)
		_ = mw.Close()
		ct = mw.FormDataContentType()
	default:
		form := url.Values{}
		for _, v := range vals {
			form.Add(v[0], v[1])
		}
		buf.WriteString(form.Encode())
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+tg.path, &buf)
	req.Header.Set("Content-Type", ct)
	return req
}
