package web

import (
	"fmt"
	"html/template"
	"strings"
	"testing"
)

func TestFragmentCacheKeepsRecentWithinItsSize(t *testing.T) {
	c := newFragmentCache(100)
	body := template.HTML(strings.Repeat("x", 28)) // 30 bytes with a 2-byte key
	for i := range 3 {
		c.put(fmt.Sprintf("k%d", i), fragment{html: body})
	}
	if _, ok := c.get("k0"); !ok { // k0 is now the most recent
		t.Fatal("k0 missing while under the limit")
	}
	c.put("k3", fragment{html: body, remote: true}) // 120 bytes: k1, the least recent, goes
	if _, ok := c.get("k1"); ok {
		t.Fatal("least recently used entry kept past the limit")
	}
	for _, k := range []string{"k0", "k2", "k3"} {
		if _, ok := c.get(k); !ok {
			t.Fatalf("%s evicted", k)
		}
	}
	if f, _ := c.get("k3"); !f.remote || f.html != body {
		t.Fatalf("got %+v", f)
	}
	c.put("k3", fragment{html: "short"})
	if c.size != 2*30+2+5 {
		t.Fatalf("size %d after replacing an entry", c.size)
	}
	c.put("huge", fragment{html: template.HTML(strings.Repeat("y", 200))})
	if _, ok := c.get("huge"); ok {
		t.Fatal("a fragment larger than the cache was kept")
	}
}
