package audit

import (
	"testing"
	"time"

	"certflow/store"
)

func TestContentIsLengthPrefixed(t *testing.T) {
	if got, want := Content("ab", "", "中"), "2:ab;0:;3:中;"; got != want {
		t.Fatalf("Content = %q, want %q", got, want)
	}
	// Moving a separator between fields changes the content.
	if Content("a;", "b") == Content("a", ";b") {
		t.Fatal("shifted fields give the same content")
	}
}

func TestTimeIsUTCMicroseconds(t *testing.T) {
	at := time.Date(2026, 11, 26, 16, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	if got, want := Time(at), "2026-11-26T08:00:00.123456Z"; got != want {
		t.Fatalf("Time = %q, want %q", got, want)
	}
}

func TestHashMatchesPostgreSQLForm(t *testing.T) {
	// prev followed by content: the SHA-256 of "abc" (FIPS 180-2).
	if got, want := Hash("a", "bc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Fatalf("Hash = %s, want %s", got, want)
	}
}

func TestVerifyTimelineFindsTheFirstBrokenEvent(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	var events []store.CaseEvent
	prev := Genesis
	for i := int64(1); i <= 3; i++ {
		e := store.CaseEvent{ID: i, CaseID: "c", Key: "k", Action: "submit", EvidenceIDs: []string{"e1", "e2"}, At: at, PrevHash: prev}
		e.Hash = Hash(prev, EventContent(&e))
		prev = e.Hash
		events = append(events, e)
	}
	if b := VerifyTimeline(events); b != nil {
		t.Fatalf("intact chain broken: %v", b)
	}
	events[1].Comment = "changed"
	b := VerifyTimeline(events)
	if b == nil || b.ID != 2 || b.CaseID != "c" {
		t.Fatalf("break = %v, want row 2 of case c", b)
	}
	events[1].Comment = ""
	events[2].EvidenceIDs = []string{"e1e2"}
	if b := VerifyTimeline(events); b == nil || b.ID != 3 {
		t.Fatalf("merged evidence ids not caught: %v", b)
	}
}
