package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds one browser step (a navigation, a click, a wait).
const stepTimeout = 30 * time.Second

// pageWait bounds how long a test waits for a page to show something.
const pageWait = 15 * time.Second

// The one headless Chromium all tests share; each test gets its own browser
// context in it (own cookies and storage, like a separate profile).
var chromium struct {
	once   sync.Once
	ctx    context.Context
	cancel []context.CancelFunc
	err    error
}

// needChromium skips the test when chromium is not installed, or fails it
// when INBOXDESK_REQUIRE_CHROMIUM=1.
func needChromium(t *testing.T) string {
	t.Helper()
	return needTool(t, "chromium", "chromium", "chromium-browser")
}

// needTool returns the path of the first of names installed; without any,
// the test is skipped, or fails when INBOXDESK_REQUIRE_CHROMIUM=1 (CI, where
// `make deps` installed the Debian package pkg).
func needTool(t *testing.T, pkg string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	msg := fmt.Sprintf("%s is not installed: scripts/install-%s.sh (or `make deps`) installs Debian's %s", pkg, pkg, pkg)
	if os.Getenv("INBOXDESK_REQUIRE_CHROMIUM") == "1" {
		t.Fatal(msg + " (INBOXDESK_REQUIRE_CHROMIUM=1)")
	}
	t.Skip(msg)
	return ""
}

func sharedChromium(t *testing.T) context.Context {
	t.Helper()
	path := needChromium(t)
	chromium.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.WindowSize(1280, 900),
			chromedp.Flag("accept-lang", "en-US,en"),
		)
		if os.Geteuid() == 0 {
			// Chromium refuses to run as root with its sandbox on.
			opts = append(opts, chromedp.NoSandbox)
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(allocCtx)
		chromium.ctx, chromium.cancel = ctx, []context.CancelFunc{cancel, cancelAlloc}
		chromium.err = chromedp.Do(ctx) // starts the browser
	})
	if chromium.err != nil {
		t.Fatalf("start chromium: %v", chromium.err)
	}
	return chromium.ctx
}

// stopBrowser closes the shared Chromium, if it was started.
func stopBrowser() {
	for _, cancel := range chromium.cancel {
		cancel()
	}
}

// browser is one tab, in a browser context of its own or shared with the
// tab it was opened from.
type browser struct {
	t     *testing.T
	ctx   context.Context
	label string        // prefixes this tab's screenshot names
	shots *atomic.Int32 // numbers the test's screenshots across its tabs
}

// shotCounters numbers each test's screenshots across all its browsers.
var shotCounters sync.Map // *testing.T → *atomic.Int32

// newBrowser opens a tab in a fresh browser context: no cookies, as a
// person arriving from elsewhere. label ("" for none) prefixes the names
// of its screenshots.
func newBrowser(t *testing.T, label string) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(sharedChromium(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	counter, _ := shotCounters.LoadOrStore(t, new(atomic.Int32))
	return &browser{t: t, ctx: ctx, label: label, shots: counter.(*atomic.Int32)}
}

// NewTab opens a second tab in the same browser context (same cookies).
func (b *browser) NewTab(label string) *browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open tab: %v", err)
	}
	return &browser{t: b.t, ctx: ctx, label: label, shots: b.shots}
}

// Do runs steps in order and fails the test at the first error, after a
// screenshot of the page as it was.
func (b *browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := run(b, chromedp.Steps(steps...)); err != nil {
		b.fail(err)
	}
}

// get runs one action that returns a value, failing the test on error.
func get[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := run(b, a)
	if err != nil {
		b.fail(err)
	}
	return v
}

// run runs a within stepTimeout. A live page may replace an element between
// finding and using it; then a runs again, up to three times in all.
func run[T any](b *browser, a chromedp.Action[T]) (T, error) {
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		v, err := chromedp.Run(ctx, a)
		cancel()
		if err == nil || attempt == 3 || !staleNode(err) {
			return v, err
		}
	}
}

// staleNode reports whether err says an element found a moment ago has
// since left the page.
func staleNode(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Could not find node with given id") ||
		strings.Contains(msg, "No node with given id") || strings.Contains(msg, "Node is detached")
}

func (b *browser) fail(err error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if buf, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
		b.save("failed", buf)
	}
	b.t.Fatalf("browser at %s: %v", loc, err)
}

// Open navigates to url and waits until sel is visible.
func (b *browser) Open(url, sel string) {
	b.t.Helper()
	b.Do(chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Click clicks sel, a link or a form's button that leads to a page, and
// waits until that page has loaded and shows next.
func (b *browser) Click(sel, next string) {
	b.t.Helper()
	loaded := chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	b.Do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := loaded(ctx, t)
		return err
	}))
	b.Do(chromedp.WaitVisible(chromedp.CSS(next))) // apart: a retry must not click twice
}

// Type types text into the field sel.
func (b *browser) Type(sel, text string) {
	b.t.Helper()
	b.Do(chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// Text returns the visible text of the first element matching sel.
func (b *browser) Text(sel string) string {
	b.t.Helper()
	return get(b, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
}

// Has reports whether sel matches an element now, without waiting.
func (b *browser) Has(sel string) bool {
	b.t.Helper()
	return get(b, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", sel)))
}

// Location returns the URL of the page shown.
func (b *browser) Location() string {
	b.t.Helper()
	return get(b, chromedp.Location())
}

// WaitText waits up to limit until the text of sel contains want, without
// touching the page (no reload): what a person watching the tab would see.
func (b *browser) WaitText(sel, want string, limit time.Duration) {
	b.t.Helper()
	check := chromedp.Evaluate[string](fmt.Sprintf(
		"(document.querySelector(%q) || {innerText: '(no such element)'}).innerText", sel))
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		have, err := chromedp.Run(ctx, check) // fails while a page is being replaced
		cancel()
		if err == nil && strings.Contains(have, want) {
			return
		}
		if time.Now().After(deadline) {
			b.fail(fmt.Errorf("%s never showed %q within %v (it shows %q, error %v)", sel, want, limit, have, err))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// MarkPage marks the document shown, so that StillSamePage can tell an
// update in place from a reload or a navigation.
func (b *browser) MarkPage() {
	b.t.Helper()
	b.Do(chromedp.Evaluate[chromedp.Void](`window.e2eMark = true`))
}

// StillSamePage reports whether the document MarkPage marked is still shown.
func (b *browser) StillSamePage() bool {
	b.t.Helper()
	return get(b, chromedp.Evaluate[bool](`window.e2eMark === true`))
}

// Shot saves a full-page screenshot as test-output/e2e/TEST/NN-name.png.
func (b *browser) Shot(name string) {
	b.t.Helper()
	b.save(name, get(b, chromedp.FullScreenshot(100)))
}

func (b *browser) save(name string, png []byte) {
	if b.label != "" {
		name = b.label + "-" + name
	}
	n := b.shots.Add(1)
	path := filepath.Join(outputDir(b.t), fmt.Sprintf("%02d-%s.png", n, strings.ReplaceAll(name, " ", "-")))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("screenshot: %v", err)
	}
}

// beginTest skips the test without chromium and clears its screenshots
// folder of an earlier run.
func beginTest(t *testing.T) {
	t.Helper()
	needChromium(t)
	if err := os.RemoveAll(outputDir(t)); err != nil {
		t.Fatal(err)
	}
}

// ScrollsSideways reports whether the page is wider than width, the
// emulated screen's. On an emulated phone the layout viewport (innerWidth)
// grows to fit wide content, so it is held to width too.
func (b *browser) ScrollsSideways(width int) bool {
	b.t.Helper()
	return get(b, chromedp.Evaluate[bool](fmt.Sprintf(
		`Math.max(document.documentElement.scrollWidth, window.innerWidth) > %d`, width)))
}
