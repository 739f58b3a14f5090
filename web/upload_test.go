package web_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httputil"
	"runtime"
	"strings"
	"testing"
	"time"

	"inboxdesk/web"
)

// A file's stored name ends in its sniffed type's extension and keeps no
// bidi controls.
func TestUploadNameFollowsSniffedType(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Help", "first", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	p := b.get(fmt.Sprintf("/tickets/%d", n))
	b.postMultipart(fmt.Sprintf("/tickets/%d/reply", n), [][2]string{{"csrf", p.input("csrf")}, {"text", "files"}},
		upload{"x.html", pngBytes}, upload{"report\u202Egnp.exe", pngBytes}, upload{"notes", []byte("plain words")}).
		want(http.StatusOK)
	rows, err := e.tickets.Pool().Query(e.ctx, `SELECT filename, content_type FROM attachments ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var name, typ string
		_ = rows.Scan(&name, &typ)
		got = append(got, name+" "+typ)
	}
	want := []string{"x.png image/png", "reportgnp.png image/png", "notes.txt text/plain"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stored %q, want %q", got, want)
	}
}

// pendingUpload is a multipart form still being sent, chunk by chunk, on a
// connection of its own.
type pendingUpload struct {
	t    *testing.T
	conn net.Conn
	mw   *multipart.Writer
	cw   io.WriteCloser
	file io.Writer
}

// startUpload sends the headers, fields and the start of one file named
// name, and leaves the body open: write more to file, then finish.
func (b *browser) startUpload(path string, fields [][2]string, name string) *pendingUpload {
	b.t.Helper()
	host := strings.TrimPrefix(b.e.srv.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { conn.Close() })
	u := &pendingUpload{t: b.t, conn: conn, cw: httputil.NewChunkedWriter(conn)}
	u.mw = multipart.NewWriter(u.cw)
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nCookie: inboxdesk_session=%s\r\n"+
		"Transfer-Encoding: chunked\r\n\r\n", path, host, u.mw.FormDataContentType(), b.cookie("inboxdesk_session"))
	for _, f := range fields {
		_ = u.mw.WriteField(f[0], f[1])
	}
	u.file, _ = u.mw.CreateFormFile("files", name)
	return u
}

// finish ends the body and returns the answer.
func (u *pendingUpload) finish() *http.Response {
	_ = u.mw.Close()
	_ = u.cw.Close()
	_, _ = io.WriteString(u.conn, "\r\n")
	return u.response()
}

// response reads the answer, which must come within five seconds.
func (u *pendingUpload) response() *http.Response {
	u.t.Helper()
	_ = u.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(u.conn), nil)
	if err != nil {
		u.t.Fatalf("no answer (%v): the server waits for the whole body", err)
	}
	resp.Body.Close()
	return resp
}

// otherToken returns a token that differs from tok in its first character.
func otherToken(tok string) string {
	if tok[0] == 'x' {
		return "y" + tok[1:]
	}
	return "x" + tok[1:]
}

// A form with files whose first field is not this browser's CSRF token is
// refused before its files are read.
func TestForgedUploadRefusedBeforeItsBody(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Help", "first", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	csrf := b.get(fmt.Sprintf("/tickets/%d", n)).input("csrf")
	reply := fmt.Sprintf("/tickets/%d/reply", n)
	for name, fields := range map[string][][2]string{
		"wrong token": {{"csrf", otherToken(csrf)}, {"text", "forged"}},
		"no token":    {{"text", "forged"}},
		"token late":  {{"text", "forged"}, {"csrf", csrf}},
	} {
		u := b.startUpload(reply, fields, "big.png")
		_, _ = u.file.Write(append(append([]byte{}, pngBytes...), make([]byte, 64<<10)...))
		if r := u.response(); r.StatusCode != http.StatusForbidden {
			t.Fatalf("%s: status %d (%s), want 403", name, r.StatusCode, r.Status)
		}
	}
	msgs, _ := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, true)
	if len(msgs) != 1 {
		t.Fatalf("%d messages after forged uploads, want 1", len(msgs))
	}
}

// A file being uploaded is written to temporary storage as it arrives, not
// held in memory; the stored file is the one sent.
func TestUploadStreamsToTemporaryStorage(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Help", "first", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	csrf := b.get(fmt.Sprintf("/tickets/%d", n)).input("csrf")
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	u := b.startUpload(fmt.Sprintf("/tickets/%d/reply", n), [][2]string{{"csrf", csrf}, {"text", "a big file"}}, "big.txt")
	chunk := bytes.Repeat([]byte("plain text line of the big file\n"), 1<<10) // 32 KiB
	sum := sha256.New()
	for range 256 { // 8 MiB, read by the server as it goes (the pipe has no buffer)
		_, _ = u.file.Write(chunk)
		sum.Write(chunk)
	}
	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	if grew := int64(during.HeapAlloc) - int64(before.HeapAlloc); grew > 4<<20 {
		t.Errorf("the heap grew by %d bytes while 8 MiB were uploaded", grew)
	}
	if r := u.finish(); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: status %d", r.StatusCode)
	}
	var size int64
	var stored []byte
	err := e.tickets.Pool().QueryRow(e.ctx, `SELECT size, sha256 FROM attachments`).Scan(&size, &stored)
	if err != nil || size != 8<<20 || !bytes.Equal(stored, sum.Sum(nil)) {
		t.Fatalf("stored file: %d bytes, sha256 %x, %v; want 8 MiB of what was sent", size, stored, err)
	}
}

// Only MaxConcurrentUploads forms with files are read at once; one more is
// told to come back, and is welcome when a slot frees.
func TestConcurrentUploadsCapped(t *testing.T) {
	e := newEnv(t, func(c *web.Config, _ *web.Deps) { c.MaxConcurrentUploads = 1 })
	n := e.mailIn(mail("ana@example.org", "Help", "first", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	csrf := b.get(fmt.Sprintf("/tickets/%d", n)).input("csrf")
	reply := fmt.Sprintf("/tickets/%d/reply", n)
	fields := [][2]string{{"csrf", csrf}, {"text", "with a file"}}
	// Two uploads at once, both left open: whichever the server takes
	// second is answered at once with 503; the other is still being read.
	ups := []*pendingUpload{b.startUpload(reply, fields, "a.png"), b.startUpload(reply, fields, "b.png")}
	answers := make(chan int, 2)
	for i, u := range ups {
		_, _ = u.file.Write(pngBytes)
		go func() {
			_ = u.conn.SetReadDeadline(time.Now().Add(3 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(u.conn), nil)
			if err != nil {
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
				answers <- i
			} else {
				answers <- -resp.StatusCode
			}
		}()
	}
	var reading *pendingUpload
	select {
	case i := <-answers:
		if i < 0 {
			t.Fatalf("an open upload was answered %d, want 503 with Retry-After", -i)
		}
		reading = ups[1-i]
	case <-time.After(4 * time.Second):
		t.Fatal("neither of two uploads at once was refused")
	}
	_ = reading.conn.SetReadDeadline(time.Time{})
	_ = reading.mw.Close()
	_ = reading.cw.Close()
	_, _ = io.WriteString(reading.conn, "\r\n")
	select {
	case i := <-answers:
		if i != -http.StatusSeeOther {
			t.Fatalf("the upload being read, finished: %d, want 303", -i)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("the upload being read got no answer")
	}
	b.postMultipart(reply, fields, upload{"c.png", pngBytes}).want(http.StatusOK)
}

// A form with files may take longer to arrive than the server's read
// timeout allows other requests.
func TestUploadOutlastsTheReadTimeout(t *testing.T) {
	e := newEnvServer(t, nil, func(s *http.Server) { s.ReadTimeout = 300 * time.Millisecond })
	n := e.mailIn(mail("ana@example.org", "Help", "first", ""))
	b := e.browser()
	b.signIn("ana@example.org")
	csrf := b.get(fmt.Sprintf("/tickets/%d", n)).input("csrf")
	u := b.startUpload(fmt.Sprintf("/tickets/%d/reply", n), [][2]string{{"csrf", csrf}, {"text", "slow"}}, "a.png")
	time.Sleep(700 * time.Millisecond)
	_, _ = u.file.Write(pngBytes)
	if r := u.finish(); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("slow upload: status %d, want 303", r.StatusCode)
	}
}
