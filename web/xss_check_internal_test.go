package web

// The XSS checker, shared by the tests of this package and of web_test
// (exported from a _test file, so it is not part of the package's API).

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

// urlAttrs hold URLs a browser may follow or fetch.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
	"background": true, "poster": true, "srcset": true, "data": true, "lowsrc": true, "dynsrc": true,
	"codebase": true, "cite": true, "longdesc": true, "usemap": true, "ping": true, "to": true, "values": true}

// fetchAttrs are fetched without a click.
var fetchAttrs = map[string]bool{"src": true, "srcset": true, "background": true, "poster": true, "data": true,
	"lowsrc": true, "dynsrc": true, "codebase": true, "xlink:href": true}

// UnsafeParts lists what in a page could run script or, unless remoteOK,
// fetch something from another site.
func UnsafeParts(doc *html.Node, remoteOK bool) []string {
	var out []string
	walkNodes(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math", "template":
			out = append(out, "<"+n.Data+"> element")
		case "meta":
			if attrOf(n, "http-equiv") != "" {
				out = append(out, "<meta http-equiv>")
			}
		case "link":
			if v := attrOf(n, "href"); isRemote(v) {
				out = append(out, "<link> to "+v)
			}
		case "style":
			out = append(out, "<style> element")
		}
		for _, a := range n.Attr {
			key, val := strings.ToLower(a.Key), a.Val
			if a.Namespace != "" {
				key = a.Namespace + ":" + key
			}
			switch {
			case strings.HasPrefix(key, "on"):
				out = append(out, fmt.Sprintf("handler %s=%q on <%s>", key, val, n.Data))
			case key == "srcdoc":
				out = append(out, "srcdoc on <"+n.Data+">")
			case key == "style" && strings.Contains(strings.ToLower(val), "url(") ||
				key == "style" && strings.Contains(strings.ToLower(val), "expression"):
				out = append(out, fmt.Sprintf("style %q on <%s>", val, n.Data))
			case urlAttrs[key] && scriptURL(val):
				out = append(out, fmt.Sprintf("script URL %s=%q on <%s>", key, val, n.Data))
			case fetchAttrs[key] && !remoteOK && isRemote(val):
				out = append(out, fmt.Sprintf("remote fetch %s=%q on <%s>", key, val, n.Data))
			}
		}
	})
	return out
}

// scriptURL reports a URL that runs code or renders a document when followed.
func scriptURL(v string) bool {
	s := strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(v))
	for _, bad := range []string{"javascript:", "vbscript:", "data:", "livescript:", "mocha:"} {
		if strings.HasPrefix(s, bad) {
			return true
		}
	}
	return false
}

func isRemote(v string) bool {
	s := strings.ToLower(strings.TrimSpace(v))
	return strings.Contains(s, "http:") || strings.Contains(s, "https:") || strings.HasPrefix(s, "//")
}

func walkNodes(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkNodes(c, fn)
	}
}
