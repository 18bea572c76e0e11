package itest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"certflow/calendar"
	"certflow/domain"
	"certflow/store"
	"certflow/worker"
	"certflow/workflows"
	"certflow/workflows/steps"
)

func day(t time.Time) string { return t.Format(time.DateOnly) }

// insertRegistration gives the world's practitioner an active registration (imported: no
// case) valid until validTo, and returns its id and number.
func (w *world) insertRegistration(t *testing.T, validTo time.Time) (string, string) {
	t.Helper()
	r := w.addRegistration(t, validTo)
	return r.ID, r.Number
}

// registrationStatus reads a registration's status.
func registrationStatus(t *testing.T, id string) string {
	t.Helper()
	var status string
	if err := sys.Store.DB.NewSelect().Model((*store.Registration)(nil)).Column("status").Where("id = ?", id).
		Scan(context.Background(), &status); err != nil {
		t.Fatal(err)
	}
	return status
}

// runSweep runs the sweep for asOf through the API and waits until it finished; it returns
// the finished sweep.
func runSweep(t *testing.T, admin caller, asOf time.Time) map[string]any {
	t.Helper()
	started := admin.postJSON("/api/v1/sweeps", map[string]any{"as_of": day(asOf)}).expect(t, 202).json(t)
	if started["as_of"] != day(asOf) || started["trigger"] != "api" {
		t.Fatalf("started %v", started)
	}
	return waitSweep(t, admin, started["id"].(string))
}

// waitSweep waits until a sweep finished and returns it.
func waitSweep(t *testing.T, admin caller, id string) map[string]any {
	t.Helper()
	path := "/api/v1/sweeps/" + id
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		sw := admin.get(path).expect(t, 200).json(t)
		switch sw["status"] {
		case "succeeded":
			return sw
		case "failed":
			t.Fatalf("sweep failed: %v", sw)
		}
	}
	t.Fatalf("sweep %s did not finish%s", id, pendingFailures("certflow-sweep-"+id))
	return nil
}

// pendingFailures describes the failing activities of a workflow, for failure messages.
func pendingFailures(workflowID string) string {
	d, err := sys.Temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
	if err != nil {
		return ": " + err.Error()
	}
	out := ""
	for _, pa := range d.GetPendingActivities() {
		out += fmt.Sprintf("; %s attempt %d: %s", pa.GetActivityType().GetName(), pa.GetAttempt(), pa.GetLastFailure().GetMessage())
	}
	return out
}

// expiryReminders lists the expiry-reminder kinds in a caller's inbox about a registration.
func expiryReminders(c caller, number string) []string {
	c.t.Helper()
	var kinds []string
	// Every page: the shared system holds other tests' registrations, whose reminders a sweep
	// sends too (an admin sees them all).
	for cursor, pages := "", 0; pages == 0 || (cursor != "" && pages < 100); pages++ {
		page := c.get("/api/v1/notifications?limit=100&cursor="+cursor).expect(c.t, 200).json(c.t)
		for _, it := range page["items"].([]any) {
			m := it.(map[string]any)
			if m["registration_number"] == number && strings.HasPrefix(m["kind"].(string), "expiry_reminder_") {
				if m["case_id"] != nil {
					c.t.Fatalf("an expiry reminder names a case: %v", m)
				}
				kinds = append(kinds, m["kind"].(string))
			}
		}
		cursor, _ = page["next_cursor"].(string)
	}
	return kinds
}

// wantReminders checks that the holder and the enterprise each have exactly these reminders.
func (w *world) wantReminders(t *testing.T, number string, want ...string) {
	t.Helper()
	for name, c := range map[string]caller{"holder": w.applicant, "enterprise": w.ent} {
		if got := expiryReminders(c, number); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("the %s's inbox has %v about %s, want %v", name, got, number, want)
		}
	}
}

// TestSweepRemindsOncePerWindow: a registration 20 days from its valid_to gets the 30-day
// reminder (not the 90-day one), to the holder and the enterprise, once however often the
// sweep runs that day; 14 days later it gets the 7-day one. One 35 days away gets the 90-day
// reminder, then the 30-day one when the sweep runs 5 days later. Nobody else sees them.
func TestSweepRemindsOncePerWindow(t *testing.T) {
	base := today()
	near, far, other := newWorld(t), newWorld(t), newWorld(t)
	_, nearNo := near.insertRegistration(t, base.AddDate(0, 0, 20))
	_, farNo := far.insertRegistration(t, base.AddDate(0, 0, 35))

	first := runSweep(t, near.admin, base)
	again := runSweep(t, near.admin, base)
	near.wantReminders(t, nearNo, "expiry_reminder_30")
	far.wantReminders(t, farNo, "expiry_reminder_90")
	if r := first["reminders"].(map[string]any); r["30"].(float64) < 1 || r["90"].(float64) < 1 {
		t.Fatalf("the first sweep counts %v", first)
	}
	if r := again["reminders"].(map[string]any); r["30"].(float64) != 0 || r["90"].(float64) != 0 || r["7"].(float64) != 0 {
		t.Fatalf("the same day swept again sent reminders: %v", again)
	}
	if again["scanned"].(float64) < 2 || again["finished_at"] == nil {
		t.Fatalf("the second sweep %v", again)
	}
	for name, c := range map[string]caller{"another enterprise": other.ent, "another holder": other.applicant,
		"a provincial reviewer": near.provincial} {
		if got := expiryReminders(c, nearNo); len(got) > 0 {
			t.Fatalf("%s sees %v", name, got)
		}
	}
	if got := expiryReminders(near.admin, nearNo); len(got) != 2 {
		t.Fatalf("the admin sees %v, want both of the registration's reminders", got)
	}

	runSweep(t, near.admin, base.AddDate(0, 0, 5))
	far.wantReminders(t, farNo, "expiry_reminder_30", "expiry_reminder_90")
	runSweep(t, near.admin, base.AddDate(0, 0, 14))
	runSweep(t, near.admin, base.AddDate(0, 0, 14))
	near.wantReminders(t, nearNo, "expiry_reminder_7", "expiry_reminder_30")
}

// TestSweepFirstSeenLateGetsOnlyThatWindow: a registration first swept 5 days before its
// valid_to gets the 7-day reminder alone.
func TestSweepFirstSeenLateGetsOnlyThatWindow(t *testing.T) {
	base := today()
	w := newWorld(t)
	_, number := w.insertRegistration(t, base.AddDate(0, 0, 5))
	runSweep(t, w.admin, base)
	runSweep(t, w.admin, base.AddDate(0, 0, 1))
	w.wantReminders(t, number, "expiry_reminder_7")
}

// TestSweepExpiresLapsedRegistrations: a registration past its valid_to is expired; one valid
// through today is not; one with a submitted renewal case open is not, until that case closes.
func TestSweepExpiresLapsedRegistrations(t *testing.T) {
	ctx := context.Background()
	base := today()
	lapsed, lastDay, renewing := newWorld(t), newWorld(t), newWorld(t)
	lapsedID, _ := lapsed.insertRegistration(t, base.AddDate(0, 0, -1))
	lastDayID, lastDayNo := lastDay.insertRegistration(t, base)
	renewingID, _ := renewing.insertRegistration(t, base.AddDate(0, 0, -1))
	renewal := &store.Case{ID: uuid.NewString(), Number: "RNW-TEST-" + renewingID[:8], Type: "renewal",
		Stage: string(domain.StageProvincialReview), Status: string(domain.StatusOpen), Level: 1, Specialty: "建筑工程",
		EnterpriseUSCC: renewing.uscc, PractitionerID: renewing.pracID, Province: "21", RegistrationID: renewingID,
		Submitted: true, FiledByRole: "enterprise", FiledBySub: "ent", FiledByPrincipal: "ent", Version: 1}
	if _, err := sys.Store.DB.NewInsert().Model(renewal).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	sw := runSweep(t, lapsed.admin, base)
	if sw["expired"].(float64) < 1 {
		t.Fatalf("the sweep expired nothing: %v", sw)
	}
	for id, want := range map[string]string{lapsedID: "expired", lastDayID: "active", renewingID: "active"} {
		if got := registrationStatus(t, id); got != want {
			t.Fatalf("registration %s is %s, want %s", id, got, want)
		}
	}
	lastDay.wantReminders(t, lastDayNo, "expiry_reminder_7")

	if _, err := sys.Store.DB.NewUpdate().Model((*store.Case)(nil)).Set("status = 'rejected', stage = 'closed'").
		Where("id = ?", renewal.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	runSweep(t, lapsed.admin, base)
	if got := registrationStatus(t, renewingID); got != "expired" {
		t.Fatalf("after its renewal closed the registration is %s, want expired", got)
	}
}

// TestSweepNeedsAnAdminAndADay: only admins start or read sweeps; as_of must be a real date.
func TestSweepNeedsAnAdminAndADay(t *testing.T) {
	w := newWorld(t)
	for _, c := range []caller{w.ent, w.applicant, w.provincial, w.ministry, as(t, domain.RoleSupervisor, "sup-sweep")} {
		c.postJSON("/api/v1/sweeps", map[string]any{}).problem(t, 403, "forbidden")
		c.get("/api/v1/sweeps/"+uuid.NewString()).problem(t, 403, "forbidden")
	}
	for _, bad := range []string{"2026-02-30", "tomorrow", "2026-1-5", "1999-12-31", ""} {
		w.admin.postJSON("/api/v1/sweeps", map[string]any{"as_of": bad}).problem(t, 422, "invalid_input")
	}
	w.admin.send(http.MethodPost, "/api/v1/sweeps", "application/json", strings.NewReader(`{"as_of":1}`)).
		problem(t, 400, "malformed_json")
	w.admin.get("/api/v1/sweeps/"+uuid.NewString()).problem(t, 404, "not_found")
	w.admin.get("/api/v1/sweeps/not-a-uuid").problem(t, 404, "not_found")
	// Without as_of the sweep is for today in Beijing.
	sw := w.admin.postJSON("/api/v1/sweeps", map[string]any{}).expect(t, 202).json(t)
	if sw["as_of"] != day(today()) || sw["status"] != "running" {
		t.Fatalf("default sweep %v", sw)
	}
	waitSweep(t, w.admin, sw["id"].(string))
}

// TestSweepScheduleExistsAfterStartUp: start-up created the daily schedule (01:00 in
// Asia/Shanghai, starting the sweep workflow), and creating it again updates it in place.
func TestSweepScheduleExistsAfterStartUp(t *testing.T) {
	ctx := context.Background()
	check := func() {
		t.Helper()
		d, err := sys.Temporal.ScheduleClient().GetHandle(ctx, worker.SweepScheduleID).Describe(ctx)
		if err != nil {
			t.Fatalf("describing the sweep schedule: %v", err)
		}
		spec := d.Schedule.Spec
		if spec.TimeZoneName != "Asia/Shanghai" || len(spec.Calendars) != 1 || len(spec.Calendars[0].Hour) != 1 ||
			spec.Calendars[0].Hour[0].Start != 1 || spec.Calendars[0].Minute[0].Start != 0 {
			t.Fatalf("schedule spec %+v", spec)
		}
		action, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction)
		if !ok || action.Workflow != workflows.SweepWorkflowName || action.TaskQueue != workflows.TaskQueue {
			t.Fatalf("schedule action %+v", d.Schedule.Action)
		}
		if next := d.Info.NextActionTimes; len(next) == 0 || next[0].In(calendar.CST).Hour() != 1 {
			t.Fatalf("next runs %v, want 01:00 Beijing time", next)
		}
	}
	check()
	if err := worker.EnsureSweepSchedule(ctx, sys.Temporal); err != nil {
		t.Fatalf("start-up again: %v", err)
	}
	check()
}

// TestSweepContinuesAsNewPageByPage starts the sweep workflow as the schedule does (no id, no
// day: it picks both), with pages of two registrations: every page is a run of its own, the
// chain finishes with the totals, and each run's history stays short. With
// CERTFLOW_RECORD_HISTORIES=1 the first and the last run are recorded for the replay test.
func TestSweepContinuesAsNewPageByPage(t *testing.T) {
	ctx := context.Background()
	for i := range 5 {
		newWorld(t).insertRegistration(t, today().AddDate(0, 0, 60+i))
	}
	// The shared system holds other tests' registrations too: pages are sized for about four
	// runs over all those the sweep reads.
	var inReach int
	if err := sys.Store.DB.NewRaw(`SELECT count(*) FROM registrations WHERE status = 'active'
		AND valid_to <= CAST(? AS date) + 90`, day(today())).Scan(ctx, &inReach); err != nil {
		t.Fatal(err)
	}
	pageSize := max(2, (inReach+2)/3)
	run, err := sys.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "certflow-sweep-test-" + uuid.NewString(),
		TaskQueue: workflows.TaskQueue}, workflows.SweepWorkflowName, workflows.SweepInput{PageSize: pageSize})
	if err != nil {
		t.Fatal(err)
	}
	firstRun := run.GetRunID() // Get follows the chain to its last run
	var totals steps.SweepTotals
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := run.Get(wait, &totals); err != nil {
		t.Fatal(err)
	}
	if totals.Status != "succeeded" || totals.Scanned < 5 || totals.Reminders90 < 5 {
		t.Fatalf("totals %+v", totals)
	}
	sw := newWorld(t).admin.get("/api/v1/sweeps/"+totals.SweepID).expect(t, 200).json(t)
	if sw["trigger"] != "schedule" || sw["as_of"] != day(today()) || sw["status"] != "succeeded" {
		t.Fatalf("the sweep shows %v", sw)
	}
	runs := sweepRuns(t, run.GetID(), firstRun)
	if want := int(totals.Scanned)/pageSize + 1; len(runs) != want || len(runs) < 2 {
		t.Fatalf("%d runs for %d registrations, want %d: one per page of %d and the last, short one", len(runs), totals.Scanned, want, pageSize)
	}
	for i, r := range runs {
		if r.events > 30 {
			t.Fatalf("run %d has %d events", i+1, r.events)
		}
	}
	recordRunHistoryIn(t, "sweep", run.GetID(), runs[0].id, "sweep_first_page_continued_as_new")
	recordRunHistoryIn(t, "sweep", run.GetID(), runs[len(runs)-1].id, "sweep_last_page_finished")
}

// sweepRunInfo is one run of a sweep's chain and its history length.
type sweepRunInfo struct {
	id     string
	events int
}

// sweepRuns follows a sweep's chain of runs from the first through its continue-as-new events.
func sweepRuns(t *testing.T, workflowID, runID string) []sweepRunInfo {
	t.Helper()
	var out []sweepRunInfo
	for runID != "" && len(out) < 100 {
		it := sys.Temporal.GetWorkflowHistory(context.Background(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		info, next := sweepRunInfo{id: runID}, ""
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			info.events++
			if a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes(); a != nil {
				next = a.GetNewExecutionRunId()
			}
		}
		out = append(out, info)
		runID = next
	}
	if len(out) == 100 {
		t.Fatal(errors.New("the chain of runs does not end"))
	}
	return out
}

var hostileSweepOnce struct {
	sync.Once
	id string
}

// hostileSweep is a finished sweep for the hostile-input suite to read.
func hostileSweep(t *testing.T) string {
	hostileSweepOnce.Do(func() {
		now := time.Now().UTC()
		sw := &store.Sweep{ID: uuid.NewString(), AsOf: today(), Status: store.SweepSucceeded, Trigger: "api", FinishedAt: &now}
		if _, err := sys.Store.DB.NewInsert().Model(sw).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		hostileSweepOnce.id = sw.ID
	})
	return hostileSweepOnce.id
}
