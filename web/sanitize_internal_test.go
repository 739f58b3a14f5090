package web

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"inboxdesk/inbound/mailparse"
)

func TestSanitizeMail(t *testing.T) {
	cids := map[string]string{"logo@mail": "/attachments/7?inline=1"}
	tests := []struct {
		name, in  string
		remote    bool
		want      []string
		wantNot   []string
		wantBlock bool
	}{
		{"cid image", `<img src="cid:logo@mail">`, false, []string{`src="/attachments/7?inline=1"`}, nil, false},
		{"cid with brackets", `<img src="cid:%3Clogo@mail%3E">`, false, []string{`src="/attachments/7?inline=1"`}, nil, false},
		{"unknown cid", `<img src="cid:nope">`, false, []string{`src="/static/blocked.svg"`}, []string{"cid:"}, false},
		{"remote blocked", `<img src="https://t.example/a.gif">`, false, []string{"/static/blocked.svg"}, []string{"t.example"}, true},
		{"remote shown", `<img src="https://t.example/a.gif">`, true, []string{"https://t.example/a.gif"}, nil, false},
		{"relative image", `<img src="/logout">`, false, nil, []string{"/logout"}, false},
		{"link", `<a href="https://x.example/">x</a>`, false,
			[]string{`target="_blank"`, "noopener", "noreferrer", `href="https://x.example/"`}, nil, false},
		{"relative link", `<a href="/my">x</a>`, false, nil, []string{`href`}, false},
		{"mailto", `<a href="mailto:a@b.c">m</a>`, false, []string{`href="mailto:a@b.c"`}, nil, false},
		{"script", `<p>a</p><script>alert(1)</script>`, false, []string{"<p>a</p>"}, []string{"script", "alert"}, false},
	}
	for _, tt := range tests {
		got := sanitizeMail(tt.in, cids, tt.remote, "/static/blocked.svg")
		for _, w := range tt.want {
			if !strings.Contains(string(got.HTML), w) {
				t.Errorf("%s: %q lacks %q", tt.name, got.HTML, w)
			}
		}
		for _, w := range tt.wantNot {
			if strings.Contains(string(got.HTML), w) {
				t.Errorf("%s: %q contains %q", tt.name, got.HTML, w)
			}
		}
		if got.Blocked != tt.wantBlock {
			t.Errorf("%s: Blocked = %v", tt.name, got.Blocked)
		}
	}
}

func FuzzSanitizeMail(f *testing.F) {
	files, _ := filepath.Glob("testdata/xss/*.html")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(string(b), false)
	}
	f.Fuzz(func(t *testing.T, in string, remote bool) {
		out := string(sanitizeMail(in, map[string]string{"a": "/attachments/1?inline=1"}, remote, "/b.svg").HTML)
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if bad := UnsafeParts(doc, remote); len(bad) > 0 {
			t.Fatalf("sanitised %q is %q: %v", in, out, bad)
		}
	})
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"carla@example.org": "c•••@example.org",
		"a@b.c":             "a•••@b.c",
		"ñu@example.es":     "ñ•••@example.es",
		"nonsense":          "•••",
	} {
		if got := maskEmail(in); got != want {
			t.Errorf("maskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUploadFilename(t *testing.T) {
	for _, c := range []struct{ in, typ, want string }{
		{"report.pdf", "application/pdf", "report.pdf"},
		{`C:\Users\ana\report.pdf`, "application/pdf", "report.pdf"},
		{"../../etc/passwd", "text/plain", "passwd.txt"},
		{"bad\r\nname.txt", "text/plain", "badname.txt"},
		{"x.html", "image/png", "x.png"},
		{"photo.JPEG", "image/jpeg", "photo.JPEG"},
		{"report\u202Egnp.exe", "image/png", "reportgnp.png"},
		{"notes", "text/plain", "notes.txt"},
		{"", "image/png", "attachment-2.png"},
		{"..", "application/pdf", "attachment-2.pdf"},
		{strings.Repeat("é", 150) + ".exe", "image/gif", strings.Repeat("é", 125) + ".gif"},
	} {
		if got := uploadFilename(c.in, c.typ, 2); got != c.want {
			t.Errorf("uploadFilename(%q, %s) = %q, want %q", c.in, c.typ, got, c.want)
		}
	}
}

func extensionAgrees(ext, typ string) bool {
	return ext == mailparse.ExtensionFor(typ) || slices.Contains(otherExtensions[typ], ext)
}

func FuzzUploadFilename(f *testing.F) {
	f.Add("a/b\\c.txt", "text/plain")
	f.Add("x\u202e.html", "image/png")
	f.Fuzz(func(t *testing.T, in, typ string) {
		typ = DefaultUploadTypes[len(typ)%len(DefaultUploadTypes)]
		out := uploadFilename(in, typ, 1)
		if out == "" || len(out) > 255 || strings.ContainsAny(out, "/\\\r\n\x00\u202e") ||
			!extensionAgrees(strings.ToLower(path.Ext(out)), typ) {
			t.Fatalf("uploadFilename(%q, %s) = %q", in, typ, out)
		}
	})
}
