package e2e

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the README's alert screenshots in docs/")

// TestAlertInChromium renders the golden HTML alert (outbound/testdata/golden)
// as a mail client would show it, on a desktop and on a phone: the phone
// shows it without sideways scrolling and the button fits the screen.
// `go test ./e2e -run TestAlertInChromium -update-docs` refreshes the
// README's screenshots docs/alert-desktop.png and docs/alert-phone.png.
func TestAlertInChromium(t *testing.T) {
	t.Parallel()
	beginTest(t)
	golden, err := filepath.Abs(filepath.Join("..", "outbound", "testdata", "golden", "replied.en.html"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(golden); err != nil {
		t.Fatal(err)
	}
	sizes := []struct {
		name          string
		width, height int64
		mobile, dark  bool
	}{{"desktop", 1000, 760, false, false}, {"phone", 390, 844, true, false}, {"phone-dark", 390, 844, true, true}}
	for _, sz := range sizes {
		b := newBrowser(t, sz.name)
		opts := []chromedp.EmulateViewportOption{}
		if sz.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		b.Do(chromedp.EmulateViewport(sz.width, sz.height, opts...))
		if sz.dark {
			// Chromium's automatic dark theme, as mail apps darken a light mail.
			on := true
			if _, err := chromedp.Call(b.ctx, emulation.SetAutoDarkModeOverride, emulation.SetAutoDarkModeOverrideParams{Enabled: &on}); err != nil {
				t.Fatal(err)
			}
		}
		b.Open("file://"+golden, "a")
		if b.ScrollsSideways(int(sz.width)) {
			t.Errorf("%s: the alert scrolls sideways", sz.name)
		}
		// The button: the first link, inside the screen, with its label.
		fits := get(b, chromedp.Evaluate[bool](`(() => {
			const a = document.querySelector('a'); const r = a.getBoundingClientRect();
			return a.textContent.trim() === 'Read the reply' && r.left >= 0 && r.right <= window.innerWidth && r.height >= 36;
		})()`))
		if !fits {
			t.Errorf("%s: the button is missing, too small or off the screen", sz.name)
		}
		png := get(b, chromedp.FullScreenshot(100))
		b.save("alert", png)
		if *updateDocs && !sz.dark {
			if err := os.WriteFile(filepath.Join("..", "docs", "alert-"+sz.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
