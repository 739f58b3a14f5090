package link

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// BaseURL is the public address of the web view that every link points
// into: an absolute http or https URL, with an optional path prefix. Only
// ParseBaseURL makes one, so whoever is given one uses it without checking
// it again. The zero BaseURL is "none given".
type BaseURL struct {
	u *url.URL // path without its trailing slash; no query, no fragment
}

// ParseBaseURL checks s (e.g. https://help.example.com or
// https://example.com/support/) and returns it as a BaseURL. Links are
// built from it, never from a request's Host header.
func ParseBaseURL(s string) (BaseURL, error) {
	u, err := url.Parse(s)
	// A password would be copied into every link; a query or a fragment
	// would break them. (s is not quoted back: it may hold the password.)
	if err == nil && (u.User != nil || u.RawQuery != "" || u.Fragment != "") {
		return BaseURL{}, errors.New("must be scheme://host[/path], without user, ?query or #fragment")
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return BaseURL{}, fmt.Errorf("must be an absolute http(s) URL, got %q", s)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return BaseURL{u: u}, nil
}

// IsZero reports whether b is the zero BaseURL (none given).
func (b BaseURL) IsZero() bool { return b.u == nil }

// String is the address without a trailing slash, e.g. https://example.com/support.
func (b BaseURL) String() string {
	if b.u == nil {
		return ""
	}
	return b.u.String()
}

// Join is the address of path (which starts with "/" and may carry a
// query or fragment) under b, e.g. Join("/my#alerts").
func (b BaseURL) Join(path string) string { return b.String() + path }

// Origin is the scheme and host, e.g. https://example.com (what a browser
// sends in an Origin header).
func (b BaseURL) Origin() string { return b.u.Scheme + "://" + b.u.Host }

// Path is the path prefix without its trailing slash ("" at the root).
func (b BaseURL) Path() string { return b.u.Path }

// Secure reports whether b is https.
func (b BaseURL) Secure() bool { return b.u.Scheme == "https" }
