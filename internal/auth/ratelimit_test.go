package auth

import (
	"testing"
	"time"
)

func TestLimiterMemoryIsBounded(t *testing.T) {
	l := newLimiter(3, time.Minute, 100)
	now := time.Unix(0, 0)
	for i := 0; i < 10000; i++ {
		l.fail("k"+string(rune(i)), now)
		if n := l.len(); n > 100 {
			t.Fatalf("%d keys held, bound is 100", n)
		}
	}
	l.fail("x", now)
	l.fail("x", now)
	l.fail("x", now)
	if l.wait("x", now) <= 0 {
		t.Error("a key out of tokens may try again at once")
	}
	if w := l.wait("x", now.Add(time.Minute)); w != 0 {
		t.Errorf("after a refill period: wait %v, want 0", w)
	}
	if w := l.wait("never seen", now); w != 0 {
		t.Errorf("an unknown key waits %v", w)
	}
}

func TestAddrKeyGroupsIPv6By64(t *testing.T) {
	if addrKey("2001:db8:1:2:3:4:5:6") != addrKey("2001:db8:1:2:ffff::1") {
		t.Error("two addresses of one /64 have different keys")
	}
	if addrKey("2001:db8:1:3::1") == addrKey("2001:db8:1:2::1") {
		t.Error("two /64s share a key")
	}
	if addrKey("::ffff:192.0.2.1") != addrKey("192.0.2.1") || addrKey("192.0.2.1") == addrKey("192.0.2.2") {
		t.Error("IPv4 keys are wrong")
	}
}
