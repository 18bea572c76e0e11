package itest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"certflow/domain"
	"certflow/store"
)

// TestHostileInputs walks every operation of the OpenAPI document and sends hostile values for
// each parameter it declares (path, query, header) and each request-body field (JSON, recursively;
// multipart fields and the file's name), one change at a time from a valid baseline, under every
// role. Every answer must be free of 5xx and dropped connections, a problem+json for every error,
// consistent with the document, and without plain resident IDs. Values that must be refused
// (control characters, invalid UTF-8, lone surrogates, oversize strings and bodies, wrong JSON
// types, values the document's schema forbids) must get a 4xx, and a refused write must leave
// no row in any table and no object in MinIO. Afterwards no case the suite touched may have a
// failing activity.
//
// New operations are covered automatically; an operation whose path parameters, required query
// or header parameters, or body schema the suite cannot fill fails with a message naming the
// fixture to add (pathFixtures, queryFixtures, headerFixtures, bodyFixtures below).
func TestHostileInputs(t *testing.T) {
	start := time.Now()
	h := newHostile(t)
	defer h.touch.close()
	for _, op := range documentOperations(t) {
		h.runOp(t, op)
	}
	h.touch.close()
	h.checkActivities(t)
	if t.Failed() {
		t.Errorf("hostile-input suite: %s", h.rep.summary())
	}
	t.Logf("%d requests (%d rechecked for rows) in %s", h.sent.Load(), h.rechecked.Load(), time.Since(start).Round(time.Millisecond))
}

// hostileWorkers is how many requests run at once (the machine is small and shared).
const hostileWorkers = 4

// allowedRolesPerValue is how many of the roles a baseline succeeds for get each hostile value
// (rotating, so every role sees every field); each value also goes to one refused role.
const allowedRolesPerValue = 2

// The roles of the suite; public operations are also called without a token.
var hostileRoles = []string{"applicant", "enterprise", "provincial_reviewer", "ministry_reviewer",
	"supervisor", "investigator", "admin"}

const anonymous = "anonymous"

// ---- the document's operations -------------------------------------------------------------

// opInfo is one operation of the OpenAPI document.
type opInfo struct {
	method, path string
	op           *openapi3.Operation
	params       []*openapi3.Parameter
	public       bool
	// the request body: a JSON or a multipart schema (by component name) or something the
	// suite does not know (other media types).
	jsonSchema, formSchema *openapi3.Schema
	bodyName               string
	unknownBody            string
}

func (o *opInfo) String() string { return o.method + " " + o.path }

func (o *opInfo) writes() bool { return o.method != http.MethodGet && o.method != http.MethodHead }

// documentOperations lists every operation of doc, sorted by path and method.
func documentOperations(t *testing.T) []*opInfo {
	t.Helper()
	var out []*opInfo
	paths := doc.Paths.Map()
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		item := paths[p]
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := ops[m]
			o := &opInfo{method: m, path: p, op: op}
			o.public = op.Security != nil && len(*op.Security) == 0
			if op.Security == nil && len(doc.Security) == 0 {
				o.public = true
			}
			byKey := map[string]*openapi3.Parameter{}
			for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, pr := range list {
					if pr != nil && pr.Value != nil {
						byKey[pr.Value.In+" "+pr.Value.Name] = pr.Value
					}
				}
			}
			for _, pr := range byKey {
				o.params = append(o.params, pr)
			}
			sort.Slice(o.params, func(i, j int) bool {
				if o.params[i].In != o.params[j].In {
					return o.params[i].In > o.params[j].In // path, query, header
				}
				return o.params[i].Name < o.params[j].Name
			})
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				for ct, mt := range rb.Value.Content {
					name := ""
					if mt.Schema != nil {
						name = strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
					}
					switch {
					case ct == "application/json" && mt.Schema != nil:
						o.jsonSchema, o.bodyName = mt.Schema.Value, name
					case ct == "multipart/form-data" && mt.Schema != nil:
						o.formSchema, o.bodyName = mt.Schema.Value, name
					default:
						o.unknownBody = ct
					}
				}
			}
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		t.Fatal("the OpenAPI document has no operations")
	}
	return out
}

// ---- fixtures: valid values for what the document declares ---------------------------------

// fixtureCase is the case (and one of its evidence files) a request acts on.
// fixtureCase is a draft case of the world with one evidence file; number is its case number
// (a draft is not under public notice, so objections to it are refused for every role).
type fixtureCase struct{ id, evidence, number string }

// pathFixtures fill path parameters, keyed by the segment before the parameter and its name.
var pathFixtures = map[string]func(h *hostile, c fixtureCase) string{
	"cases/{id}":                          func(h *hostile, c fixtureCase) string { return c.id },
	"evidence/{evidence_id}":              func(h *hostile, c fixtureCase) string { return c.evidence },
	"practitioners/{id}":                  func(h *hostile, c fixtureCase) string { return h.w.pracID },
	"enterprises/{uscc}":                  func(h *hostile, c fixtureCase) string { return h.w.uscc },
	"notices/{number}":                    func(h *hostile, c fixtureCase) string { return c.number },
	"notifications/{id}":                  func(h *hostile, c fixtureCase) string { return h.notification },
	"registrations/{registration_number}": func(h *hostile, c fixtureCase) string { return h.registration },
	"imports/{id}":                        func(h *hostile, c fixtureCase) string { return fixtureImport(h) },
	"sweeps/{id}":                         func(h *hostile, c fixtureCase) string { return hostileSweep(h.t) },
	"users/{id}":                          func(h *hostile, c fixtureCase) string { return fixtureUser(h) },
}

// queryFixtures are valid values of query parameters; the baseline sends every declared query
// parameter that has a non-empty fixture (the public query needs a name or number).
var queryFixtures = map[string]string{
	"registration_number": "辽1212526000001",
	"name":                "李娜",
	"type":                "registration",
	"status":              "open",
	"stage":               "draft",
	"overdue":             "false",
	"assignee":            "me",
	"limit":               "20",
	"presign":             "false",
	"cursor":              "", // optional; a valid cursor is only known from a previous page
	"enterprise":          "",
	"expiring_before":     "2030-01-01",
}

// queryFixturesByPath override queryFixtures for one path, where a parameter of the same name
// takes other values (a registration's status is not a case's).
var queryFixturesByPath = map[string]map[string]string{
	"/api/v1/registrations": {"status": "active"},
	"/api/v1/users":         {"status": "active"},
}

// queryFixture is the valid value of a query parameter of a path.
func queryFixture(path, name string) string {
	if v, ok := queryFixturesByPath[path][name]; ok {
		return v
	}
	return queryFixtures[name]
}

// headerFixtures are valid values of header parameters ("" = not sent in the baseline).
var headerFixtures = map[string]string{
	"Idempotency-Key": "",
	"If-Match":        "",
}

// bodyFixtures build a valid body for a request-body schema (by component name) for a role.
// Bodies are built fresh for every request, so an accepted mutation never turns the next
// request into a conflict.
var bodyFixtures = map[string]func(h *hostile, b *base, role string, c fixtureCase){
	"EnterpriseRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"uscc": newUSCC(h.t, "21"), "name": "恶意输入测试建设有限公司",
			"province_code": "21", "qualification": "建筑工程施工总承包一级"}
	},
	"PractitionerRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		id := newResidentID(h.t)
		b.json = practitionerBody(id)
		if role == string(domain.RoleApplicant) { // an applicant registers only themself
			b.token = as(h.t, domain.RoleApplicant, "app-hostile-"+id[12:], practitioner(id)).token
		}
	},
	"CreateCaseRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"type": "registration", "practitioner_id": h.w.pracID,
			"enterprise_uscc": h.w.uscc, "specialty": "建筑工程"}
	},
	"ActionRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"action": "withdraw", "comment": "不再申请", "evidence_ids": []any{c.evidence}}
	},
	"ObjectionRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"comment": "该人员未在本单位实际工作"}
	},
	"ImportUpload": func(h *hostile, b *base, role string, c fixtureCase) {
		b.form = importForm(h)
	},
	"SweepRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"as_of": day(today())}
	},
	"UserRequest": func(h *hostile, b *base, role string, c fixtureCase) { b.json = userRequestBody() },
	"UserPatch": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"display_name": "恶意输入测试用户"}
	},
	"ActivateRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"username": "hostile-nobody", "activation_code": "ABCDE-FGHJK-MNPQR-STVWX",
			"password": "correct horse battery"}
	},
	"LoginRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"username": "hostile-nobody", "password": "correct horse battery"}
	},
	"MFARequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"mfa_token": "bm90LWEtc2lnbi1pbg", "code": "123456"}
	},
	"RefreshRequest": func(h *hostile, b *base, role string, c fixtureCase) {
		b.json = map[string]any{"refresh_token": "bm90LWEtcmVmcmVzaC10b2tlbg"}
	},
	"EvidenceUpload": func(h *hostile, b *base, role string, c fixtureCase) {
		b.form = []formPart{{name: "kind", value: "id_card"},
			{name: "file", file: true, filename: "id.png", content: h.png}}
	},
}

// refusedBaselines are operations whose baseline cannot succeed here, with the reason; their
// mutations are still sent and must be refused cleanly (4xx, problem+json, nothing written).
var refusedBaselines = map[string]string{
	"POST /api/v1/public/notices/{number}/objections": "an objection needs a case under public notice, " +
		"which lasts 2 s in the integration system — less than the suite takes; objections are driven " +
		"successfully by TestPublicNoticesAndObjectionsByNumber and the objection path tests",
	"POST /api/v1/auth/activate": "an activation code works once, and the suite sends every body many times; " +
		"the baseline names no account, and activation is driven successfully by TestAccountsAreCreatedByAdminsAndActivatedOnce",
	"POST /api/v1/auth/login": "a sign-in names an account by its password, which the suite's baseline does not have; " +
		"sign-in is driven successfully by TestSignInWithTOTPRefreshAndLogout",
	"POST /api/v1/auth/mfa": "an mfa_token completes one sign-in and a TOTP code is accepted once, and the suite sends " +
		"every body many times; driven successfully by TestSignInWithTOTPRefreshAndLogout",
	"POST /api/v1/auth/refresh": "a refresh token works once (a second use ends its session), and the suite sends every " +
		"body many times; driven successfully by TestSignInWithTOTPRefreshAndLogout",
}

// needsFreshCase: a decision changes its case (the baseline withdraws it), so every request of
// the case's filer side gets its own fresh draft; other roles are refused and share one case.
func needsFreshCase(op *opInfo, role string) bool {
	return op.bodyName == "ActionRequest" && (role == string(domain.RoleApplicant) || role == string(domain.RoleEnterprise))
}

// missingFixtures names what the suite cannot fill for an operation.
func missingFixtures(op *opInfo) []string {
	var miss []string
	for _, p := range op.params {
		switch p.In {
		case "path":
			if _, ok := pathFixtures[pathKey(op.path, p.Name)]; !ok {
				miss = append(miss, fmt.Sprintf("path parameter {%s}: add %q to pathFixtures", p.Name, pathKey(op.path, p.Name)))
			}
		case "query":
			if v := queryFixtures[p.Name]; v == "" && p.Required {
				miss = append(miss, fmt.Sprintf("required query parameter %q: add it to queryFixtures", p.Name))
			}
		case "header":
			if v := headerFixtures[p.Name]; v == "" && p.Required {
				miss = append(miss, fmt.Sprintf("required header %q: add it to headerFixtures", p.Name))
			}
		case "cookie":
			miss = append(miss, fmt.Sprintf("cookie parameter %q: teach the suite cookies", p.Name))
		}
	}
	if op.unknownBody != "" {
		miss = append(miss, fmt.Sprintf("request body of media type %s: teach the suite this media type", op.unknownBody))
	}
	if (op.jsonSchema != nil || op.formSchema != nil) && bodyFixtures[op.bodyName] == nil {
		miss = append(miss, fmt.Sprintf("request body schema %q: add a valid body to bodyFixtures", op.bodyName))
	}
	return miss
}

// pathKey is "segment-before/{name}" for a path parameter.
func pathKey(path, name string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s == "{"+name+"}" && i > 0 {
			return segs[i-1] + "/{" + name + "}"
		}
	}
	return "{" + name + "}"
}

// ---- the suite's state ------------------------------------------------------------------

type hostile struct {
	t      *testing.T
	w      *world
	tokens map[string]string
	world  fixtureCase // the shared draft case with one evidence file
	// notification is a notification to the world's enterprise about the shared case.
	notification string
	// registration is the number of the world's practitioner's registration.
	registration string
	png          []byte
	rc           *rowCounter
	rep          reporter
	touch        *toucher

	fresh []fixtureCase // fresh drafts waiting to be used

	mu       sync.Mutex
	accepted map[string][]*hreq // case id → accepted requests that acted on it
	active   map[string]bool    // cases with accepted writes not settled yet

	// measure: writes hold it shared while counting rows around themselves; a recheck holds it
	// alone, so nothing else runs while it measures.
	measure sync.RWMutex

	sent, rechecked atomic.Int64

	// log, when CERTFLOW_HOSTILE_LOG names a file, gets one line per request and answer.
	logMu sync.Mutex
	log   io.Writer
}

func newHostile(t *testing.T) *hostile {
	t.Helper()
	w := newWorld(t)
	h := &hostile{t: t, w: w, png: pngBytes(t), accepted: map[string][]*hreq{}, active: map[string]bool{}}
	h.tokens = map[string]string{
		"applicant":           w.applicant.token,
		"enterprise":          w.ent.token,
		"provincial_reviewer": w.provincial.token,
		"ministry_reviewer":   w.ministry.token,
		"supervisor":          as(t, domain.RoleSupervisor, "supervisor-hostile").token,
		"investigator":        as(t, domain.RoleInvestigator, "investigator-hostile").token,
		"admin":               w.admin.token,
		anonymous:             "",
	}
	c := w.fileCase(t, w.ent, "")
	h.world.id, h.world.number = c["id"].(string), c["number"].(string)
	ev := w.ent.upload(h.world.id, "id_card", "id.png", h.png).expect(t, 201).json(t)
	h.world.evidence = ev["id"].(string)
	note := &store.Notification{CaseID: h.world.id, Key: "hostile-fixture", Kind: "sla_reminder",
		Role: string(domain.RoleEnterprise), Message: "a fixture for the hostile-input suite", At: time.Now().UTC()}
	if err := sys.Store.AddNotification(context.Background(), note); err != nil {
		t.Fatal(err)
	}
	h.notification = strconv.FormatInt(note.ID, 10)
	h.registration = w.holdRegistration(t, today().AddDate(1, 0, 0))
	var err error
	if h.rc, err = newRowCounter(context.Background(), sys.Store.DB, h.world.id); err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("CERTFLOW_HOSTILE_LOG"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		h.log = f
	}
	h.touch = startToucher()
	h.noteCase(h.world.id, nil)
	settle(context.Background(), h.world.id)
	return h
}

// noteCase remembers a case the suite touched (for the activity check) and keeps drafts alive.
func (h *hostile) noteCase(id string, r *hreq) {
	h.mu.Lock()
	if r != nil {
		h.accepted[id] = append(h.accepted[id], r)
	} else if _, ok := h.accepted[id]; !ok {
		h.accepted[id] = nil
	}
	h.mu.Unlock()
	h.touch.add(id)
}

// ---- one operation --------------------------------------------------------------------------

func (h *hostile) runOp(t *testing.T, op *opInfo) {
	if miss := missingFixtures(op); len(miss) > 0 {
		t.Run(op.String()+"/fixtures", func(t *testing.T) {
			for _, m := range miss {
				h.rep.report(t, failure{kind: "fixture", msg: fmt.Sprintf("%s cannot be tested: %s", op, m)})
			}
		})
		return
	}
	roles := slices.Clone(hostileRoles)
	if op.public {
		roles = append(roles, anonymous)
	}

	// The baseline once per role: it must be valid (2xx) for at least one role, which are the
	// roles the must-refuse checks mean something for.
	n := 0
	for _, role := range roles {
		if needsFreshCase(op, role) {
			n++
		}
	}
	h.ensureFresh(t, n)
	var probes []*hreq
	for _, role := range roles {
		probes = append(probes, h.build(op, nil, 0, role))
	}
	results := make([]hres, len(probes))
	h.pool(probes, func(i int, r *hreq) {
		res, fs := h.exec(r)
		results[i] = res
		t.Run(r.name, func(t *testing.T) { h.rep.report(t, fs...) })
	})
	var allowed, refused []string
	var statuses []string
	for i, r := range probes {
		statuses = append(statuses, fmt.Sprintf("%s %d", r.role, results[i].status))
		if results[i].is2xx() {
			allowed = append(allowed, r.role)
		} else {
			refused = append(refused, r.role)
		}
	}
	t.Logf("%s: baseline accepted for [%s]; refused for [%s]", op, strings.Join(allowed, " "), strings.Join(refused, " "))
	tmplRole := roles[0]
	if len(allowed) > 0 {
		tmplRole = allowed[0]
	}
	tmpl := h.base(op, tmplRole, false)
	targets := h.targets(op, tmpl)
	if len(allowed) == 0 && len(targets) > 0 && refusedBaselines[op.String()] == "" {
		t.Run(op.String()+"/baseline", func(t *testing.T) {
			h.rep.report(t, failure{kind: "baseline", msg: fmt.Sprintf(
				"%s: the baseline request is refused for every role (%s), so the mutations test nothing; fix its fixture",
				op, strings.Join(statuses, ", "))})
		})
	}

	// Each hostile value goes to some of the allowed roles and one refused role, rotating.
	perValue := allowedRolesPerValue
	for _, role := range allowed {
		if needsFreshCase(op, role) {
			perValue = 1 // each of these requests costs a fresh case
		}
	}
	type planned struct {
		tg   *target
		vi   int
		role string
	}
	var plan []planned
	k := 0
	for _, tg := range targets {
		for vi := range h.values(tg, tmpl) {
			for i := 0; i < min(perValue, len(allowed)); i++ {
				plan = append(plan, planned{tg, vi, allowed[(k+i)%len(allowed)]})
			}
			if len(refused) > 0 {
				plan = append(plan, planned{tg, vi, refused[k%len(refused)]})
			}
			k++
		}
	}
	n = 0
	for _, p := range plan {
		if needsFreshCase(op, p.role) && p.tg.loc != "path" {
			n++
		}
	}
	h.ensureFresh(t, n)
	reqs := make([]*hreq, len(plan))
	for i, p := range plan {
		reqs[i] = h.build(op, p.tg, p.vi, p.role)
	}
	h.pool(reqs, func(_ int, r *hreq) {
		t.Run(r.name, func(t *testing.T) {
			_, fs := h.exec(r)
			h.rep.report(t, fs...)
		})
	})
}

// pool runs fn over reqs with hostileWorkers goroutines.
func (h *hostile) pool(reqs []*hreq, fn func(int, *hreq)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range hostileWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i, reqs[i])
			}
		}()
	}
	for i := range reqs {
		next <- i
	}
	close(next)
	wg.Wait()
}

// exec sends one request and judges it; a write is measured (rows, and MinIO objects for
// multipart) and, when refused yet something changed, measured again alone.
func (h *hostile) exec(r *hreq) (res hres, fs []failure) {
	defer func() { h.logResult(r, res, fs) }()
	return h.execMeasured(r)
}

// logResult writes a request's outcome to the CERTFLOW_HOSTILE_LOG file.
func (h *hostile) logResult(r *hreq, res hres, fs []failure) {
	if h.log == nil {
		return
	}
	var code any
	var m map[string]any
	if json.Unmarshal(res.body, &m) == nil {
		code = m["code"]
	}
	kinds := make([]string, len(fs))
	for i, f := range fs {
		kinds[i] = f.kind
	}
	h.logMu.Lock()
	defer h.logMu.Unlock()
	fmt.Fprintf(h.log, "%s\t%d\t%v\t%s\t%v\n", r.name, res.status, code, strings.Join(kinds, ","), res.err)
}

func (h *hostile) execMeasured(r *hreq) (hres, []failure) {
	ctx := context.Background()
	h.sent.Add(1)
	if !r.op.writes() {
		res := r.send()
		return res, r.judge(res)
	}
	h.measure.RLock()
	before, objBefore, err1 := h.snapshot(ctx, r)
	res := r.send()
	after, objAfter, err2 := h.snapshot(ctx, r)
	h.measure.RUnlock()
	fs := r.judge(res)
	if err := firstErr(err1, err2); err != nil {
		fs = append(fs, failure{req: r, kind: "harness", msg: "counting rows or objects: " + err.Error()})
		return res, fs
	}
	if res.is2xx() {
		h.settleAccepted(ctx, r, res)
		return res, fs
	}
	if before.diff(after) == "" && objBefore == objAfter {
		return res, fs
	}
	// Something changed while this refused request ran; other requests may have caused it.
	// Measure it again with nothing else running.
	h.rechecked.Add(1)
	h.measure.Lock()
	h.settleActive(ctx)
	h.quiet(ctx)
	before, objBefore, err1 = h.snapshot(ctx, r)
	res2 := r.send()
	after, objAfter, err2 = h.snapshot(ctx, r)
	h.measure.Unlock()
	if err := firstErr(err1, err2); err != nil {
		fs = append(fs, failure{req: r, kind: "harness", msg: "counting rows or objects: " + err.Error()})
		return res, fs
	}
	if res2.is2xx() {
		h.settleAccepted(ctx, r, res2)
		return res, fs
	}
	if d := before.diff(after); d != "" {
		fs = append(fs, failure{req: r, kind: "rows", msg: fmt.Sprintf(
			"refused with %d but left rows behind (%s; measured again alone)", res2.status, d)})
	}
	// Fewer objects is not the request's doing: a finished import deletes its file (with all
	// its versions) in the background, and the refused request cannot delete anything.
	if objAfter > objBefore {
		fs = append(fs, failure{req: r, kind: "objects", msg: fmt.Sprintf(
			"refused with %d but left %+d objects in MinIO (measured again alone)", res2.status, objAfter-objBefore)})
	}
	return res, fs
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// snapshot counts rows, and MinIO objects for multipart operations.
func (h *hostile) snapshot(ctx context.Context, r *hreq) (rows, int, error) {
	rs, err := h.rc.count(ctx)
	if err != nil || r.op.formSchema == nil {
		return rs, 0, err
	}
	n, err := sys.Evidence.Count(ctx, "")
	return rs, n, err
}

// settleAccepted remembers the cases an accepted request acted on (or created) and waits until
// their workflows have written what the request set off.
func (h *hostile) settleAccepted(ctx context.Context, r *hreq, res hres) {
	ids := slices.Clone(r.cases)
	var m map[string]any
	if json.Unmarshal(res.body, &m) == nil {
		if id, ok := m["id"].(string); ok && m["number"] != nil && m["stage"] != nil && !slices.Contains(ids, id) {
			ids = append(ids, id) // the answer is a case: a new one, or the one acted on
		}
	}
	for _, id := range ids {
		h.noteCase(id, r)
		if !r.op.writes() {
			continue
		}
		h.mu.Lock()
		h.active[id] = true
		h.mu.Unlock()
		settle(ctx, id)
		h.mu.Lock()
		delete(h.active, id)
		h.mu.Unlock()
	}
}

// settleActive waits for every case with an accepted write still in flight.
func (h *hostile) settleActive(ctx context.Context) {
	h.mu.Lock()
	ids := make([]string, 0, len(h.active))
	for id := range h.active {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		settle(ctx, id)
	}
}

// quiet waits (briefly) until no rows change by themselves, e.g. a timer of another test's case.
func (h *hostile) quiet(ctx context.Context) {
	// Imports accepted earlier run in the background and delete their file when they end:
	// wait for them first, or a recheck would count that deletion.
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		var running int
		if err := sys.Store.DB.NewRaw("SELECT count(*) FROM imports WHERE status = 'running'").Scan(ctx, &running); err != nil || running == 0 {
			break
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	prev, _ := h.rc.count(ctx)
	for time.Now().Before(deadline) {
		time.Sleep(150 * time.Millisecond)
		cur, err := h.rc.count(ctx)
		if err != nil || prev.diff(cur) == "" {
			return
		}
		prev = cur
	}
}

// ensureFresh makes sure n fresh draft cases, each with one evidence file, are ready.
func (h *hostile) ensureFresh(t *testing.T, n int) {
	t.Helper()
	n -= len(h.fresh)
	if n <= 0 {
		return
	}
	made := make([]fixtureCase, n)
	errs := make([]error, n)
	idx := make([]*hreq, n) // pool wants requests; only the index matters
	h.pool(idx, func(i int, _ *hreq) {
		made[i], errs[i] = h.freshCase()
	})
	for _, err := range errs {
		if err != nil {
			t.Fatalf("creating a fresh case for the decision baseline: %v", err)
		}
	}
	h.fresh = append(h.fresh, made...)
}

// freshCase files a draft case for the world's practitioner and uploads one file to it.
func (h *hostile) freshCase() (fixtureCase, error) {
	body, _ := json.Marshal(map[string]any{"type": "registration", "practitioner_id": h.w.pracID,
		"enterprise_uscc": h.w.uscc, "specialty": "建筑工程"})
	status, m, err := fixtureDo(http.MethodPost, "/api/v1/cases", h.tokens["enterprise"], "application/json", body)
	if err != nil || status != http.StatusCreated {
		return fixtureCase{}, fmt.Errorf("POST /api/v1/cases: %d %v %v", status, m, err)
	}
	c := fixtureCase{id: m["id"].(string), number: m["number"].(string)}
	parts := []formPart{{name: "kind", value: "id_card"}, {name: "file", file: true, filename: "id.png", content: h.png}}
	ct, form := encodeForm(parts)
	status, m, err = fixtureDo(http.MethodPost, "/api/v1/cases/"+c.id+"/evidence", h.tokens["enterprise"], ct, form)
	if err != nil || status != http.StatusCreated {
		return fixtureCase{}, fmt.Errorf("uploading to the fresh case: %d %v %v", status, m, err)
	}
	c.evidence = m["id"].(string)
	h.noteCase(c.id, nil)
	settle(context.Background(), c.id)
	return c, nil
}

// fixtureDo sends a fixture request (not judged) and decodes the JSON answer.
func fixtureDo(method, path, token, ct string, body []byte) (int, map[string]any, error) {
	req, err := http.NewRequest(method, sys.Server.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ct)
	resp, err := hostileClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m, nil
}

// checkActivities looks at every case the suite touched: none may have an activity that keeps
// failing (an accepted value the workflow cannot store, for example).
func (h *hostile) checkActivities(t *testing.T) {
	time.Sleep(2 * time.Second) // let the workflows process what was accepted last
	h.mu.Lock()
	ids := make([]string, 0, len(h.accepted))
	for id := range h.accepted {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	sort.Strings(ids)
	t.Run("no case has a failing activity", func(t *testing.T) {
		for _, id := range ids {
			d, err := sys.Temporal.DescribeWorkflowExecution(context.Background(), id, "")
			if err != nil {
				t.Errorf("describing the workflow of case %s: %v", id, err)
				continue
			}
			for _, pa := range d.GetPendingActivities() {
				if pa.GetAttempt() <= 1 && pa.GetLastFailure() == nil {
					continue
				}
				h.mu.Lock()
				reqs := h.accepted[id]
				h.mu.Unlock()
				names := make([]string, len(reqs))
				for i, r := range reqs {
					names[i] = r.name
				}
				f := failure{kind: "activity", msg: fmt.Sprintf("case %s: activity %s is failing (attempt %d): %s; accepted requests on this case: %s",
					id, pa.GetActivityType().GetName(), pa.GetAttempt(), clip(pa.GetLastFailure().GetMessage(), 300), strings.Join(names, ", "))}
				if len(reqs) > 0 {
					f.req = reqs[len(reqs)-1]
				}
				h.rep.report(t, f)
			}
		}
	})
}

// ---- baselines and mutations ----------------------------------------------------------------

// base is a valid request of an operation for a role.
type base struct {
	token  string
	path   map[string]string
	query  [][2]string
	header [][2]string
	json   any // the JSON body (map), nil if none
	form   []formPart
	cases  []string
}

// formPart is one part of a multipart body.
type formPart struct {
	name, value string
	file        bool
	filename    string
	rfc2231     bool // send the file name as filename*=UTF-8''…
	content     []byte
}

// base builds a fresh valid request of op for role; with fresh it acts on a fresh case.
func (h *hostile) base(op *opInfo, role string, fresh bool) *base {
	b := &base{token: h.tokens[role], path: map[string]string{}}
	c := h.world
	if fresh {
		c, h.fresh = h.fresh[0], h.fresh[1:]
	}
	for _, p := range op.params {
		switch p.In {
		case "path":
			b.path[p.Name] = pathFixtures[pathKey(op.path, p.Name)](h, c)
		case "query":
			if v := queryFixture(op.path, p.Name); v != "" {
				b.query = append(b.query, [2]string{p.Name, v})
			}
		case "header":
			if v := headerFixtures[p.Name]; v != "" {
				b.header = append(b.header, [2]string{p.Name, v})
			}
		}
	}
	if strings.HasPrefix(op.path, "/api/v1/cases/{id}") {
		b.cases = []string{c.id}
	}
	if fix := bodyFixtures[op.bodyName]; fix != nil && (op.jsonSchema != nil || op.formSchema != nil) {
		fix(h, b, role, c)
	}
	return b
}

// target is one place of a request the suite changes.
type target struct {
	loc    string // path, query, header, json, form, filename, body
	name   string // how the subtest names it
	param  string
	schema *openapi3.Schema
	jpath  []any // json: keys and indexes from the root
}

// targets lists every place of op's requests to change, from the document.
func (h *hostile) targets(op *opInfo, tmpl *base) []*target {
	var out []*target
	for _, p := range op.params {
		var s *openapi3.Schema
		if p.Schema != nil {
			s = p.Schema.Value
		}
		switch p.In {
		case "path":
			out = append(out, &target{loc: "path", name: "{" + p.Name + "}", param: p.Name, schema: s})
		case "query":
			out = append(out, &target{loc: "query", name: "?" + p.Name, param: p.Name, schema: s})
		case "header":
			out = append(out, &target{loc: "header", name: p.Name, param: p.Name, schema: s})
		}
	}
	if op.jsonSchema != nil {
		var walk func(s *openapi3.Schema, path []any, name string)
		walk = func(s *openapi3.Schema, path []any, name string) {
			keys := make([]string, 0, len(s.Properties))
			for k := range s.Properties {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				ps := s.Properties[k].Value
				p := append(slices.Clone(path), k)
				n := strings.TrimPrefix(name+"."+k, ".")
				out = append(out, &target{loc: "json", name: n, schema: ps, jpath: p})
				switch schemaType(ps) {
				case "object":
					walk(ps, p, n)
				case "array":
					if ps.Items != nil && ps.Items.Value != nil {
						out = append(out, &target{loc: "json", name: n + "[0]", schema: ps.Items.Value, jpath: append(slices.Clone(p), 0)})
					}
				}
			}
		}
		walk(op.jsonSchema, nil, "")
		out = append(out, &target{loc: "body", name: "body"})
	}
	if op.formSchema != nil {
		keys := make([]string, 0, len(op.formSchema.Properties))
		for k := range op.formSchema.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps := op.formSchema.Properties[k].Value
			if ps.Format == "binary" {
				out = append(out, &target{loc: "filename", name: k + ".filename", param: k})
			} else {
				out = append(out, &target{loc: "form", name: k, param: k, schema: ps})
			}
		}
		out = append(out, &target{loc: "body", name: "body"})
	}
	return out
}

// oversize is a little more than the 1 MiB a body may have.
const oversize = 1<<20 + 64<<10

// values lists the hostile values for a target; the list depends only on the target, so an index
// means the same value class for every baseline.
func (h *hostile) values(tg *target, b *base) []hval {
	switch tg.loc {
	case "path", "query":
		return textValues(tg.schema, b.valueAt(tg))
	case "header":
		// Values that are not legal in an HTTP field (C0 controls, DEL) cannot be sent with
		// net/http and never reach a handler; the rest can.
		var out []hval
		for _, v := range textValues(tg.schema, b.valueAt(tg)) {
			if !strings.ContainsFunc(v.text, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f }) {
				out = append(out, v)
			}
		}
		return out
	case "json":
		return jsonValues(tg.schema, b.valueAt(tg))
	case "form":
		return stringValues(b.valueAt(tg))
	case "filename":
		return filenameValues(b.valueAt(tg))
	case "body":
		if b.form != nil {
			return []hval{{class: "oversize-content-length", why: "a Content-Length of 16 times the upload limit"}}
		}
		return []hval{
			{class: "oversize-whitespace", why: "a body over 1 MiB (valid JSON padded with spaces)"},
			{class: "oversize-field", why: "a body over 1 MiB (one string field of 1.06 MiB)"},
			{class: "type-null", json: []byte("null"), why: "the body is null, not an object"},
			{class: "type-array", json: []byte("[]"), why: "the body is an array, not an object"},
			{class: "type-string", json: []byte(`"x"`), why: "the body is a string, not an object"},
		}
	}
	return nil
}

// valueAt is the baseline's valid value at a target (nil when absent).
func (b *base) valueAt(tg *target) any {
	switch tg.loc {
	case "path":
		return b.path[tg.param]
	case "query":
		for _, kv := range b.query {
			if kv[0] == tg.param {
				return kv[1]
			}
		}
	case "header":
		for _, kv := range b.header {
			if kv[0] == tg.param {
				return kv[1]
			}
		}
	case "json":
		cur := b.json
		for _, p := range tg.jpath {
			switch k := p.(type) {
			case string:
				m, _ := cur.(map[string]any)
				cur = m[k]
			case int:
				a, _ := cur.([]any)
				if k >= len(a) {
					return nil
				}
				cur = a[k]
			}
		}
		return cur
	case "form", "filename":
		for _, p := range b.form {
			if p.name == tg.param {
				if tg.loc == "filename" {
					return p.filename
				}
				return p.value
			}
		}
	}
	return nil
}

// build makes the request of op for role with value vi at tg (tg nil: the baseline).
func (h *hostile) build(op *opInfo, tg *target, vi int, role string) *hreq {
	b := h.base(op, role, needsFreshCase(op, role) && (tg == nil || tg.loc != "path"))
	r := &hreq{op: op, role: role, token: b.token, cases: b.cases, header: http.Header{},
		target: "baseline", class: "-"}
	var v hval
	if tg != nil {
		v = h.values(tg, b)[vi]
		r.target, r.class = tg.name, v.class
		r.mustRefuse = mustRefuse(tg, v)
	}
	r.name = fmt.Sprintf("%s %s/%s/%s/%s", op.method, op.path, r.target, r.class, role)

	// path and query
	path := op.path
	for name, val := range b.path {
		if tg != nil && tg.loc == "path" && tg.param == name {
			val = v.text
		}
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(val))
	}
	query := slices.Clone(b.query)
	if tg != nil && tg.loc == "query" {
		query = setPair(query, tg.param, v.text)
	}
	var q []string
	for _, kv := range query {
		q = append(q, url.QueryEscape(kv[0])+"="+url.QueryEscape(kv[1]))
	}
	r.url = path
	if len(q) > 0 {
		r.url += "?" + strings.Join(q, "&")
	}
	header := slices.Clone(b.header)
	if tg != nil && tg.loc == "header" {
		header = setPair(header, tg.param, v.text)
	}
	for _, kv := range header {
		r.header[kv[0]] = []string{kv[1]}
	}

	// body
	switch {
	case op.jsonSchema != nil && b.json != nil:
		r.header.Set("Content-Type", "application/json")
		var body []byte
		switch {
		case tg != nil && tg.loc == "json":
			body = marshalWith(b.json, tg.jpath, v.json)
		case tg != nil && tg.loc == "body" && v.json != nil:
			body = v.json
		case tg != nil && v.class == "oversize-whitespace":
			plain, _ := json.Marshal(b.json)
			body = append(bytes.Repeat([]byte(" "), oversize), plain...)
		case tg != nil && v.class == "oversize-field":
			body = marshalWith(b.json, []any{firstStringField(op.jsonSchema)}, []byte(`"`+strings.Repeat("a", oversize)+`"`))
		default:
			body, _ = json.Marshal(b.json)
		}
		r.body = func() (io.Reader, int64) { return bytes.NewReader(body), int64(len(body)) }
	case op.formSchema != nil && b.form != nil:
		parts := slices.Clone(b.form)
		for i := range parts {
			if tg != nil && tg.param == parts[i].name {
				switch tg.loc {
				case "form":
					parts[i].value = v.text
				case "filename":
					parts[i].filename, parts[i].rfc2231 = v.text, v.rfc2231
				}
			}
		}
		ct, body := encodeForm(parts)
		r.header.Set("Content-Type", ct)
		r.body = func() (io.Reader, int64) { return bytes.NewReader(body), int64(len(body)) }
		if tg != nil && tg.loc == "body" {
			r.body = func() (io.Reader, int64) { return oversizeForm(parts, 16*maxUpload) }
			r.header.Set("Content-Type", formContentType)
		}
	}
	return r
}

// mustRefuse says why a value must be refused with a 4xx at a target ("" when it may pass).
func mustRefuse(tg *target, v hval) string {
	switch {
	case tg.loc == "body":
		return v.why
	case v.content:
		return v.why
	case tg.loc == "path":
		if v.class == "empty" {
			return "" // an empty segment may be answered by a redirect
		}
		return "a changed path parameter names no existing object"
	case tg.loc == "json":
		return jsonViolates(tg.schema, v.json)
	case tg.loc == "query" || tg.loc == "header":
		if v.text == "" {
			return "" // an empty parameter counts as absent
		}
		return textViolates(tg.schema, v.text)
	case tg.loc == "form":
		return textViolates(tg.schema, v.text)
	}
	return ""
}

func setPair(pairs [][2]string, k, v string) [][2]string {
	for i := range pairs {
		if pairs[i][0] == k {
			pairs[i][1] = v
			return pairs
		}
	}
	return append(pairs, [2]string{k, v})
}

// firstStringField is the first (sorted) string property of a body schema.
func firstStringField(s *openapi3.Schema) string {
	keys := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if schemaType(s.Properties[k].Value) == "string" {
			return k
		}
	}
	return "x"
}

// placeholder marks where the raw hostile JSON goes; json.Marshal writes it as placeholderJSON.
const (
	placeholder     = "\x00hostile\x00"
	placeholderJSON = `"\u0000hostile\u0000"`
)

// marshalWith encodes body with the raw JSON text raw at path (json.Marshal would repair
// invalid UTF-8 and lone surrogates, so the bytes are spliced in).
func marshalWith(body any, path []any, raw []byte) []byte {
	b, err := json.Marshal(withValue(body, path, placeholder))
	if err != nil {
		panic(err)
	}
	return bytes.Replace(b, []byte(placeholderJSON), raw, 1)
}

// withValue returns a copy of v with x at path, creating objects and arrays on the way.
func withValue(v any, path []any, x any) any {
	if len(path) == 0 {
		return x
	}
	switch k := path[0].(type) {
	case string:
		m, _ := v.(map[string]any)
		out := make(map[string]any, len(m)+1)
		for kk, vv := range m {
			out[kk] = vv
		}
		out[k] = withValue(m[k], path[1:], x)
		return out
	case int:
		a, _ := v.([]any)
		out := make([]any, max(len(a), k+1))
		copy(out, a)
		for i := len(a); i < k; i++ {
			out[i] = ""
		}
		out[k] = withValue(out[k], path[1:], x)
		return out
	}
	return v
}

const formBoundary = "hostileBoundary7MA4YWxkTrZu0gW"

var formContentType = "multipart/form-data; boundary=" + formBoundary

// quoteForm escapes a multipart header parameter like mime/multipart does (the bytes stay raw).
func quoteForm(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// formHead is the multipart header of a part.
func formHead(p formPart) string {
	if p.file && p.rfc2231 {
		return fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename*=UTF-8''%s\r\nContent-Type: application/octet-stream\r\n\r\n",
			formBoundary, quoteForm(p.name), pctEncode(p.filename))
	}
	if p.file {
		return fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n",
			formBoundary, quoteForm(p.name), quoteForm(p.filename))
	}
	return fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n", formBoundary, quoteForm(p.name))
}

// pctEncode percent-encodes every byte but RFC 5987 attr-chars.
func pctEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// encodeForm writes a multipart body by hand, so hostile bytes reach the server unchanged.
func encodeForm(parts []formPart) (string, []byte) {
	var buf bytes.Buffer
	for _, p := range parts {
		buf.WriteString(formHead(p))
		if p.file {
			buf.Write(p.content)
		} else {
			buf.WriteString(p.value)
		}
		buf.WriteString("\r\n")
	}
	buf.WriteString("--" + formBoundary + "--\r\n")
	return formContentType, buf.Bytes()
}

// oversizeForm streams a well-formed multipart body of exactly size bytes whose file part is a
// PDF far larger than the upload limit.
func oversizeForm(parts []formPart, size int64) (io.Reader, int64) {
	var head bytes.Buffer
	for _, p := range parts {
		if p.file {
			continue
		}
		head.WriteString(formHead(p) + p.value + "\r\n")
	}
	head.WriteString(formHead(formPart{name: "file", file: true, filename: "big.pdf"}))
	head.WriteString("%PDF-1.4\n")
	tail := "\r\n--" + formBoundary + "--\r\n"
	fill := size - int64(head.Len()) - int64(len(tail))
	return io.MultiReader(&head, io.LimitReader(repeatByte('0'), fill), strings.NewReader(tail)), size
}

type repeatByte byte

func (r repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}
