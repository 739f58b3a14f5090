package main

import (
	"io"
	"log/slog"
	"os"
	"regexp"
)

// newLogger returns a text logger on a terminal and a JSON one otherwise
// (format "auto"), or the format asked for. Every string and error it writes
// passes through redactSecrets.
func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	opts := &slog.HandlerOptions{ReplaceAttr: redactAttr}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// urlPassword matches the password of a URL's user info (scheme://user:pw@).
var urlPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'"` + "`" + `]*:)[^\s/@'"` + "`" + `]+@`)

// redactSecrets replaces the password of every URL in s, so that a library's
// error quoting a connection URL cannot print it.
func redactSecrets(s string) string {
	return urlPassword.ReplaceAllString(s, "${1}xxxxx@")
}

func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch v := a.Value.Any().(type) {
	case string:
		a.Value = slog.StringValue(redactSecrets(v))
	case error:
		a.Value = slog.StringValue(redactSecrets(v.Error()))
	}
	return a
}
