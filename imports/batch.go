package imports

// Batch is a run of consecutive rows of one kind as parsed: the rows that passed the checks of
// their kind, and the errors of those that did not. The store decides the rest (unknown
// enterprises, duplicates, a second active registration) and commits the batch with End.
type Batch struct {
	Kind          Kind
	Registrations []Registration
	Enterprises   []Enterprise
	Education     []Education
	// Errors are the rows refused by parsing, in line order.
	Errors []RowError
	// Rows counts every data row of the batch.
	Rows int64
	// End is the position just after the batch's last row.
	End Position
}

// NewBatch starts an empty batch of kind.
func NewBatch(kind Kind) *Batch { return &Batch{Kind: kind} }

// Add parses one record into the batch.
func (b *Batch) Add(rec Record) {
	b.Rows++
	if rec.Err != nil {
		b.Errors = append(b.Errors, *rec.Err)
		return
	}
	var err *RowError
	switch b.Kind {
	case KindRegistrations:
		var r Registration
		if r, err = ParseRegistration(rec.Line, rec.Fields); err == nil {
			b.Registrations = append(b.Registrations, r)
		}
	case KindEnterprises:
		var e Enterprise
		if e, err = ParseEnterprise(rec.Line, rec.Fields); err == nil {
			b.Enterprises = append(b.Enterprises, e)
		}
	case KindEducation:
		var e Education
		if e, err = ParseEducation(rec.Line, rec.Fields); err == nil {
			b.Education = append(b.Education, e)
		}
	}
	if err != nil {
		b.Errors = append(b.Errors, *err)
	}
}
