package workflows

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"certflow/calendar"
	"certflow/domain"
	"certflow/workflows/steps"
)

// fakeStore records what the workflow's activities were asked to write.
type fakeStore struct {
	mu            sync.Mutex
	records       []steps.TransitionRecord
	notifications []steps.Notification
	prechecks     []steps.PrecheckResult // returned in order; the last repeats
	precheckCalls int
	issueErr      error
	// failRecord, when set, may refuse a transition write (e.g. as the database would).
	failRecord func(steps.TransitionRecord) error
	// precheckErrs are returned by the first pre-check calls, in order.
	precheckErrs []error
	stuck        []steps.StuckReport
	// applyErr is returned by the lifecycle apply activities; applied counts their calls.
	applyErr error
	applied  int
}

func (f *fakeStore) apply(_ context.Context, req steps.ApplyRequest) (steps.ApplyResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied++
	if f.applyErr != nil {
		return steps.ApplyResult{}, f.applyErr
	}
	return steps.ApplyResult{RegistrationNumber: "辽121242600001", Summary: "applied"}, nil
}

func (f *fakeStore) flagStuck(_ context.Context, rep steps.StuckReport) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stuck = append(f.stuck, rep)
	return nil
}

func (f *fakeStore) record(_ context.Context, rec steps.TransitionRecord) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failRecord != nil {
		if err := f.failRecord(rec); err != nil {
			return err
		}
	}
	f.records = append(f.records, rec)
	return nil
}

func (f *fakeStore) notify(_ context.Context, n steps.Notification) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notifications = append(f.notifications, n)
	return nil
}

func (f *fakeStore) precheck(_ context.Context, _ steps.PrecheckRequest) (steps.PrecheckResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.precheckCalls++
	if len(f.precheckErrs) > 0 {
		err := f.precheckErrs[0]
		f.precheckErrs = f.precheckErrs[1:]
		return steps.PrecheckResult{}, err
	}
	if len(f.prechecks) == 0 {
		return steps.PrecheckResult{}, nil
	}
	res := f.prechecks[0]
	if len(f.prechecks) > 1 {
		f.prechecks = f.prechecks[1:]
	}
	return res, nil
}

func (f *fakeStore) issue(_ context.Context, req steps.IssueRequest) (steps.IssueResult, error) {
	if f.issueErr != nil {
		return steps.IssueResult{}, f.issueErr
	}
	return steps.IssueResult{RegistrationID: "reg-1", RegistrationNumber: "辽121242600001",
		ValidFrom: req.At, ValidTo: req.At.AddDate(3, 0, -1)}, nil
}

// actions lists the timeline actions in order.
func (f *fakeStore) actions() []string {
	var out []string
	for _, r := range f.records {
		out = append(out, r.Event.Action)
	}
	return out
}

// last returns the newest record.
func (f *fakeStore) last() steps.TransitionRecord { return f.records[len(f.records)-1] }

// find returns the first record with the action, or fails.
func (f *fakeStore) find(t *testing.T, action string) steps.TransitionRecord {
	t.Helper()
	for _, r := range f.records {
		if r.Event.Action == action {
			return r
		}
	}
	t.Fatalf("no %q event; timeline: %v", action, f.actions())
	return steps.TransitionRecord{}
}

// cst is China Standard Time.
var cst = time.FixedZone("CST", 8*3600)

// start is a Monday morning in an ordinary 2026 week.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, cst)

// caseEnv runs one registration case in the test environment with time skipping.
type caseEnv struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	store *fakeStore
	in    CaseInput
	seq   int
}

// Principals used by the tests.
var (
	applicant = domain.Principal{Subject: "u-applicant", Role: domain.RoleApplicant, PractitionerID: "p-1"}
	entA      = domain.Principal{Subject: "u-ent-a", Role: domain.RoleEnterprise, Enterprise: "E-A"}
	provLN    = domain.Principal{Subject: "u-prov-1", Role: domain.RoleProvincialReviewer, Province: "21"}
	provBJ    = domain.Principal{Subject: "u-prov-bj", Role: domain.RoleProvincialReviewer, Province: "11"}
	ministry1 = domain.Principal{Subject: "u-min-1", Role: domain.RoleMinistryReviewer}
	ministry2 = domain.Principal{Subject: "u-min-2", Role: domain.RoleMinistryReviewer}
	public    = domain.Principal{Subject: "u-public", Role: domain.RoleEnterprise, Enterprise: "E-X"}
)

func newCaseEnv(t *testing.T, filedBy domain.Role, level int) *caseEnv {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	cal, err := calendar.Default(24 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fs := &fakeStore{}
	for t, wf := range ByType {
		env.RegisterWorkflowWithOptions(wf, workflow.RegisterOptions{Name: domain.Definitions[t].Workflow})
	}
	env.RegisterActivity(acts)
	for _, check := range []any{acts.PrecheckRenewal, acts.PrecheckChange, acts.PrecheckAddition, acts.PrecheckCancellation} {
		env.OnActivity(check, mock.Anything, mock.Anything).Return(fs.precheck)
	}
	for _, apply := range []any{acts.Renew, acts.ApplyChange, acts.AddSpecialty, acts.CancelRegistration} {
		env.OnActivity(apply, mock.Anything, mock.Anything).Return(fs.apply)
	}
	env.OnActivity(acts.RecordTransition, mock.Anything, mock.Anything).Return(fs.record)
	env.OnActivity(acts.Notify, mock.Anything, mock.Anything).Return(fs.notify)
	env.OnActivity(acts.Precheck, mock.Anything, mock.Anything).Return(fs.precheck)
	env.OnActivity(acts.IssueRegistration, mock.Anything, mock.Anything).Return(fs.issue)
	env.OnActivity(acts.FlagStuck, mock.Anything, mock.Anything).Return(fs.flagStuck)
	in := CaseInput{
		CaseID: "case-1", Number: "REG-2026-000001", Type: domain.CaseRegistration, Level: level, FiledBy: filedBy,
		Facts:    domain.CaseFacts{EnterpriseUSCC: "E-A", PractitionerID: "p-1", Province: "21"},
		Policy:   domain.DefaultPolicies()[domain.CaseRegistration],
		Calendar: cal,
	}
	return &caseEnv{t: t, env: env, store: fs, in: in}
}

// at schedules a decision after delay from the start of the case.
func (c *caseEnv) at(delay time.Duration, p domain.Principal, a domain.Action, comment string) {
	c.seq++
	d := Decision{ID: "d" + string(rune('a'+c.seq)), Action: a, Principal: p, Comment: comment}
	c.env.RegisterDelayedCallback(func() {
		d.At = c.env.Now()
		c.env.SignalWorkflow(SignalDecision, d)
	}, delay)
}

// run executes the workflow to completion and returns its outcome.
func (c *caseEnv) run() Outcome {
	c.t.Helper()
	c.env.ExecuteWorkflow(ByType[c.in.Type], c.in)
	if !c.env.IsWorkflowCompleted() {
		c.t.Fatalf("workflow did not complete; timeline: %v", c.store.actions())
	}
	if err := c.env.GetWorkflowError(); err != nil {
		c.t.Fatalf("workflow failed: %v; timeline: %v", err, c.store.actions())
	}
	var out Outcome
	if err := c.env.GetWorkflowResult(&out); err != nil {
		c.t.Fatal(err)
	}
	return out
}

// alreadyRegistered is the error the issuing activity returns for a second active registration.
var alreadyRegistered = temporal.NewNonRetryableApplicationError("already", steps.ErrAlreadyRegistered, errors.New("dup"))

const (
	hour = time.Hour
	day  = 24 * time.Hour
)
