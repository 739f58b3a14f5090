package outbound

import (
	"flag"
	"html"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html/atom"

	xhtml "golang.org/x/net/html"

	"inboxdesk/brand"
	"inboxdesk/lang"
	"inboxdesk/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden alerts in testdata/golden")

// goldenComposer is the composer of the golden files and the screenshots:
// a brand with every setting.
func goldenComposer(t testing.TB) *Composer {
	t.Helper()
	cfg := testComposeConfig(t)
	b, err := brand.New(brand.Settings{Name: "Example Shop", Color: "#0b6e4f",
		HelpURL: "https://help.example.com/centre", Footer: "Example Shop S.L. | Calle Mayor 1, 28013 Madrid, Spain"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Brand = b
	c, err := NewComposer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// goldenAlert is one alert of the golden set: its decoded subject and parts.
func goldenAlert(t testing.TB, l string, r ticket.AlertReason) parsed {
	t.Helper()
	job := testJob()
	job.Language, job.Reason = l, r
	raw, err := goldenComposer(t).Compose(job)
	if err != nil {
		t.Fatal(err)
	}
	p := parseAlert(t, raw)
	subj, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p.Header["Subject"] = []string{subj}
	return p
}

// Every alert, reason × language, text and HTML, is kept in
// testdata/golden; `go test ./outbound -run TestGoldenAlerts -update`
// rewrites them after a deliberate change.
func TestGoldenAlerts(t *testing.T) {
	for _, l := range lang.Supported {
		for _, r := range reasons {
			p := goldenAlert(t, l, r)
			base := filepath.Join("testdata", "golden", string(r)+"."+l)
			text := "Subject: " + p.Header.Get("Subject") + "\n\n" + strings.ReplaceAll(p.Text, "\r\n", "\n")
			checkGolden(t, base+".txt", sealedToken.ReplaceAllString(text, "${1}TOKEN"))
			checkGolden(t, base+".html", sealedToken.ReplaceAllString(strings.ReplaceAll(p.HTML, "\r\n", "\n"), "${1}TOKEN"))
		}
	}
}

// sealedToken is a link's token, which a fresh nonce makes different in
// every alert: the golden files show it as TOKEN.
var sealedToken = regexp.MustCompile(`([?&](?:amp;)?k=)[A-Za-z0-9._~-]+`)

func checkGolden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the composed alert (run with -update after a deliberate change):\n%s", file, got)
	}
}

// visibleText returns the text a reader sees in an HTML alert, one string
// per text node, and the style attributes and tags that must not be there.
func visibleText(t *testing.T, doc string) (texts []string, styleBlocks int) {
	t.Helper()
	root, err := xhtml.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *xhtml.Node, inBody bool)
	walk = func(n *xhtml.Node, inBody bool) {
		if n.Type == xhtml.ElementNode {
			if n.DataAtom == atom.Style || n.DataAtom == atom.Link || n.DataAtom == atom.Script {
				styleBlocks++
			}
			inBody = inBody || n.DataAtom == atom.Body
		}
		if n.Type == xhtml.TextNode && inBody {
			if s := strings.Join(strings.Fields(n.Data), " "); s != "" && s != "·" {
				texts = append(texts, s)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inBody)
		}
	}
	walk(root, false)
	return texts, styleBlocks
}

// The HTML says what the plain part says, in the same order, and nothing
// else but the line for when the button fails; its CSS is inline only, and
// it has one button to the one signed link.
func TestAlertHTMLSaysWhatTheTextSays(t *testing.T) {
	for _, l := range lang.Supported {
		for _, r := range reasons {
			p := goldenAlert(t, l, r)
			texts, blocks := visibleText(t, p.HTML)
			if blocks != 0 {
				t.Errorf("%s/%s: <style>, <link> or <script> in the HTML: CSS must be inline", l, r)
			}
			plain := strings.Join(strings.Fields(p.Text), " ")
			at := 0
			fallback := 0
			for _, s := range texts {
				i := strings.Index(plain[at:], s)
				if i < 0 {
					fallback++
					continue
				}
				at += i + len(s)
			}
			// Only the "if the button does not work" sentence is HTML's own
			// (its link is the button's, which the text part writes out).
			if fallback != 1 {
				t.Errorf("%s/%s: %d HTML texts are not in the plain part in order (want only the fallback line):\n%q\n%s",
					l, r, fallback, texts, plain)
			}
			for _, line := range strings.Split(strings.TrimSpace(p.Text), "\r\n") {
				label, _, _ := strings.Cut(line, ": https://")
				if label = strings.TrimSpace(label); label != "" && !strings.Contains(html.UnescapeString(p.HTML), label) {
					t.Errorf("%s/%s: plain line %q is not in the HTML", l, r, label)
				}
			}
			if n := len(signedLink.FindAllString(p.HTML, -1)); n != 3 { // button, fallback href and its text
				t.Errorf("%s/%s: signed link appears %d times in the HTML, want the button and the fallback", l, r, n)
			}
			if !strings.Contains(p.HTML, `href="https://help.example.com/desk/my#alerts"`) || !strings.Contains(p.Text, "https://help.example.com/desk/my#alerts") {
				t.Errorf("%s/%s: no link to the alert settings", l, r)
			}
		}
	}
}

var signedLink = regexp.MustCompile(`https://help\.example\.com/desk/t/12345\?k=[A-Za-z0-9._~-]+`)
