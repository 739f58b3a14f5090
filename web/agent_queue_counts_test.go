package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSearchCountsAreReusedForHalfAMinute: a search's tab counts are those
// its first page counted for 30 s (a common word's count reads its whole
// index entry), while the list shows a new match at once; then they are
// counted again.
func TestSearchCountsAreReusedForHalfAMinute(t *testing.T) {
	e := newEnv(t, nil)
	e.mailIn(mail("ana@example.org", "Printer", "The zanzibarite tray.", ""))
	b, _ := e.agentBrowser("zoe@support.example")
	count := func() (string, *page) {
		p := b.get("/agent?status=all&q=zanzibarite")
		p.want(http.StatusOK)
		return strings.TrimSpace(p.text("tab-all")), p
	}
	if c, _ := count(); !strings.HasSuffix(c, "1") {
		t.Fatalf("tab all reads %q, want a count of 1", c)
	}
	second := e.mailIn(mail("bob@example.org", "Scanner", "Also zanzibarite.", ""))
	c, p := count()
	if !strings.HasSuffix(c, "1") || p.byID(fmt.Sprintf("queue-%d", second)) == nil {
		t.Errorf("at once: tab all reads %q (want the first count, 1), new ticket listed: %v", c, p.byID(fmt.Sprintf("queue-%d", second)) != nil)
	}
	e.clock.Add(31 * time.Second)
	if c, _ := count(); !strings.HasSuffix(c, "2") {
		t.Errorf("after 31 s tab all reads %q, want 2", c)
	}
}
