package ident

import "testing"

func TestCompleteProducesValidIdentifiers(t *testing.T) {
	id, err := CompleteResidentID("11010519491231002")
	if err != nil || id != "11010519491231002X" {
		t.Fatalf("CompleteResidentID = %q, %v; want the GB 11643 example 11010519491231002X", id, err)
	}
	if _, err := ParseResidentID(id); err != nil {
		t.Fatal(err)
	}
	code, err := CompleteUSCC("91350100M000100Y4")
	if err != nil || code != "91350100M000100Y43" {
		t.Fatalf("CompleteUSCC = %q, %v", code, err)
	}
	if _, err := CompleteUSCC("short"); err == nil {
		t.Fatal("short prefix accepted")
	}
}
