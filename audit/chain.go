package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"certflow/store"
)

// Genesis is the prev_hash of a chain's first row: 64 zeros.
var Genesis = strings.Repeat("0", 64)

// chainTime is the canonical form of a timestamp: UTC with microseconds, as PostgreSQL
// stores it (chain_time in the migration).
const chainTime = "2006-01-02T15:04:05.000000Z"

// Content builds canonical content from fields in order: each written as
// "<length in bytes>:<text>;" (chain_field in the migration), so no field can be shifted into
// its neighbour without changing the text.
func Content(fields ...string) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte(';')
	}
	return b.String()
}

// Time is the canonical text of a timestamp.
func Time(t time.Time) string { return t.UTC().Format(chainTime) }

// Hash is a chain row's hash: the lower-case hex SHA-256 of prev followed by content.
func Hash(prev, content string) string {
	sum := sha256.Sum256([]byte(prev + content))
	return hex.EncodeToString(sum[:])
}

// Content is an audit row's canonical content (audit_log_content in the migration).
func (e *Entry) Content() string {
	return Content(strconv.FormatInt(e.ID, 10), Time(e.At), e.Actor, e.ActorRole, e.Address, e.Action,
		e.Target, e.Outcome)
}

// EventContent is a timeline event's canonical content (case_event_content in the migration).
func EventContent(e *store.CaseEvent) string {
	return Content(strconv.FormatInt(e.ID, 10), e.CaseID, e.Key, e.ActorSub, e.ActorRole, e.Action,
		e.FromStage, e.ToStage, e.Comment, Content(e.EvidenceIDs...), Time(e.At))
}

// VerifyTimeline checks one case's events, in id order: each must name the previous event's
// hash (Genesis for the first) and hash to its stored hash. It returns the first broken one.
func VerifyTimeline(events []store.CaseEvent) *Break {
	prev := Genesis
	for i := range events {
		e := &events[i]
		if b := check("case_events", e.ID, e.CaseID, prev, e.PrevHash, e.Hash, EventContent(e)); b != nil {
			return b
		}
		prev = e.Hash
	}
	return nil
}

// check compares one row with its chain.
func check(table string, id int64, caseID, prev, storedPrev, stored, content string) *Break {
	switch {
	case storedPrev != prev:
		return &Break{Table: table, ID: id, CaseID: caseID, Reason: "prev_hash does not name the previous row's hash"}
	case Hash(prev, content) != stored:
		return &Break{Table: table, ID: id, CaseID: caseID, Reason: "hash does not match the row's content"}
	}
	return nil
}
