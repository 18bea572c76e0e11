package store

import "github.com/uptrace/bun"

// Scope limits what a caller may see: cases, and the practitioners around them. The zero Scope
// sees nothing.
type Scope struct {
	All            bool
	Province       string
	Enterprise     string
	PractitionerID string
}

// apply adds the scope's condition to a query on cases aliased "c".
func (sc Scope) apply(q *bun.SelectQuery) *bun.SelectQuery {
	switch {
	case sc.All:
		return q
	case sc.Province != "":
		return q.Where("c.province = ?", sc.Province)
	case sc.Enterprise != "":
		// An enterprise sees its cases, and the changes of employer of people leaving it.
		return q.Where("(c.enterprise_uscc = ? OR c.previous_enterprise_uscc = ?)", sc.Enterprise, sc.Enterprise)
	case sc.PractitionerID != "":
		return q.Where("c.practitioner_id = ?", sc.PractitionerID)
	}
	return q.Where("false")
}

// applyPractitioners adds the scope's condition to a query on practitioners aliased "p": a
// province sees the people with a case in it, or registered with or employed by one of its
// enterprises; an enterprise the people it employs, registered, or has a case with; an
// applicant themself.
func (sc Scope) applyPractitioners(q *bun.SelectQuery) *bun.SelectQuery {
	switch {
	case sc.All:
		return q
	case sc.Province != "":
		return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("EXISTS (SELECT 1 FROM cases c WHERE c.practitioner_id = p.id AND c.province = ?)", sc.Province).
				WhereOr(`EXISTS (SELECT 1 FROM registrations r JOIN enterprises e ON e.uscc = r.enterprise_uscc
					WHERE r.practitioner_id = p.id AND e.province_code = ?)`, sc.Province).
				WhereOr(`EXISTS (SELECT 1 FROM practitioner_links l JOIN enterprises e ON e.uscc = l.enterprise_uscc
					WHERE l.practitioner_id = p.id AND e.province_code = ?)`, sc.Province)
		})
	case sc.Enterprise != "":
		return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("EXISTS (SELECT 1 FROM practitioner_links l WHERE l.practitioner_id = p.id AND l.enterprise_uscc = ?)", sc.Enterprise).
				WhereOr("EXISTS (SELECT 1 FROM cases c WHERE c.practitioner_id = p.id AND c.enterprise_uscc = ?)", sc.Enterprise).
				WhereOr("EXISTS (SELECT 1 FROM registrations r WHERE r.practitioner_id = p.id AND r.enterprise_uscc = ?)", sc.Enterprise)
		})
	case sc.PractitionerID != "":
		return q.Where("p.id = ?", sc.PractitionerID)
	}
	return q.Where("false")
}

// EnterpriseVisible reports whether an enterprise in province (with credit code uscc) lies in
// the scope.
func (sc Scope) EnterpriseVisible(uscc, province string) bool {
	switch {
	case sc.All:
		return true
	case sc.Province != "":
		return sc.Province == province
	case sc.Enterprise != "":
		return sc.Enterprise == uscc
	}
	return false
}
