package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGuestPath walks issue 4's guest path: a customer with no account
// writes in, opens the link of the acknowledgement alert, proves the
// address with the emailed code, reads the conversation and replies with
// a picture attached.
func TestGuestPath(t *testing.T) {
	t.Parallel()
	beginTest(t)
	p := startProduct(t)
	word := "zebra" + randomHex(4)
	guest := "guest-" + randomHex(3) + "@example.net"
	subject := "Printer shows error " + randomHex(3)
	ack, number := p.WriteIn(t, guest, subject, "Hello,\nmy printer shows "+word+" on its screen.\nGreta")
	if strings.Contains(ack.Subject+ack.Text, word) {
		t.Errorf("the acknowledgement alert quotes the customer's mail (%q); alerts are notify-only", word)
	}
	if !strings.Contains(ack.Subject, subject) {
		t.Errorf("the acknowledgement's subject %q does not name the request %q", ack.Subject, subject)
	}

	b := newBrowser(t, "")
	b.Open(p.BaseURL+"/dev/outbox", "#"+ack.ID)
	b.Shot("dev-outbox-acknowledgement")
	b.Click("#"+ack.ID+" a.link", "#send-code")
	b.Shot("magic-link")
	wantMasked := guest[:1] + "•••@example.net"
	if got := b.Text("#masked-email"); got != wantMasked {
		t.Errorf("the link page shows the address as %q, want %q", got, wantMasked)
	}
	if got := b.Text("#send-code"); got != "Send me a code" {
		t.Errorf("the link page's button reads %q, want \"Send me a code\"", got)
	}
	if b.Has("#conversation") {
		t.Fatal("the magic link alone shows the conversation, before any code")
	}

	b.Click("#send-code", "#code")
	b.Shot("code-form")
	codeMail := p.WaitMail(t, guest, "sign-in code email", isCodeMail(""))
	b.Type("#code", oneTimeCode(t, codeMail))
	b.Click("#check-code", "#conversation")
	b.WaitText("#conversation", word, pageWait)
	b.Shot("ticket-after-code")
	if got := b.Text("#ticket-subject"); got != subject {
		t.Errorf("ticket page subject %q, want the mail's subject", got)
	}
	if loc := b.Location(); !strings.HasSuffix(loc, fmt.Sprintf("/tickets/%d", number)) {
		t.Errorf("after the code the browser is at %s, want the page of ticket %d", loc, number)
	}

	picture := writePNG(t)
	answer := "Here is a photo of the screen " + randomHex(4)
	b.Type("#reply-text", answer)
	b.Do(chromedp.SetUploadFiles(chromedp.CSS("#reply-files"), []string{picture}))
	b.Shot("reply-typed")
	b.Click("#reply-send", "#conversation")
	b.WaitText("#conversation", answer, pageWait)
	b.WaitText("#conversation .attachments", filepath.Base(picture), pageWait)
	b.Shot("ticket-after-reply")
	href := get(b, chromedp.Evaluate[string](`(() => {
		const a = [...document.querySelectorAll('#conversation a.attachment')].find(a => a.textContent.trim() === 'screen.png');
		return a ? a.href : '';
	})()`))
	if href == "" {
		t.Fatal("the reply's attachment screen.png has no download link on the ticket page")
	}
	want, _ := os.ReadFile(picture)
	if got := fetchBytes(b, href); !bytes.Equal(got, want) {
		t.Errorf("downloading %s gave %d bytes, want the %d bytes uploaded", href, len(got), len(want))
	}

	// On a phone, in Spanish: the same page, nothing wider than the screen.
	b.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.Click(`a[hreflang="es"]`, "#reply-send")
	if got := b.Text("#reply-send"); got != "Enviar respuesta" {
		t.Errorf("in Spanish the reply button reads %q, want \"Enviar respuesta\"", got)
	}
	b.WaitText("#conversation", answer, pageWait)
	if b.ScrollsSideways(390) {
		t.Error("on a 390px wide phone the ticket page scrolls sideways")
	}
	b.Shot("ticket-on-phone-in-spanish")
}

// writePNG writes a small picture, screen.png, to a temporary folder.
func writePNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for x := range 24 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{R: uint8(x * 10), G: 120, B: uint8(y * 15), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "screen.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fetchBytes downloads url with the page's cookies, as a click on the link would.
func fetchBytes(b *browser, url string) []byte {
	b.t.Helper()
	ints := get(b, chromedp.Evaluate[[]int](fmt.Sprintf(`fetch(%q).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status))
		.then(buf => Array.from(new Uint8Array(buf)))`, url), chromedp.EvalAwaitPromise))
	out := make([]byte, len(ints))
	for i, v := range ints {
		out[i] = byte(v)
	}
	return out
}
