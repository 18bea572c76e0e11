package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"certflow/imports"
)

// registrationBatch decides, row by row, what a batch of registration rows adds to the
// registry, from what the registry holds (read with one query per table).
type registrationBatch struct {
	s         *Store
	createdBy string
	out       *batchOutcome

	enterprises map[string]bool         // credit codes that exist
	pracs       map[string]string       // blind index → practitioner id (known or new)
	existing    map[string]Registration // number → registration already in the registry
	active      map[string]bool         // practitioner ids with an active registration (registry or batch)

	newPracs []Practitioner
	newRegs  []Registration
	newIndex map[string]string // number of a new registration → holder's blind index
	serials  map[string]serial // number of a new registration → its provincial serial
	specs    []RegistrationSpecialty
	// extra marks the specs queued by rows that add only a specialty (an extra specialty of a
	// registration): such a row is imported when its specialty inserts, a duplicate otherwise.
	extra    []bool
	specSeen map[string]bool
	links    map[linkKey]bool
}

// serial is where a registration number sits in its province's serials.
type serial struct {
	province string
	year     int
	serial   int
}

// linkKey is a practitioner's link to an enterprise.
type linkKey struct{ prac, uscc string }

// importRegistrations adds a batch of registration rows: the practitioner is created when the
// resident ID is new (sealed and blind-indexed as CreatePractitioner does), the registration
// without a case, its specialties, and the practitioner's link to the enterprise. A row whose
// number is already registered adds its specialty (an extra specialty of the registration) or
// is a duplicate.
func (s *Store) importRegistrations(ctx context.Context, tx bun.Tx, createdBy string, rows []imports.Registration, out *batchOutcome) error {
	b := &registrationBatch{s: s, createdBy: createdBy, out: out, newIndex: map[string]string{},
		serials: map[string]serial{}, specSeen: map[string]bool{}, links: map[linkKey]bool{}}
	indexes := make([]string, len(rows))
	for i, r := range rows {
		indexes[i] = s.Sealer.Index(r.IDNumber)
	}
	if err := b.load(ctx, tx, rows, indexes); err != nil {
		return err
	}
	for i, r := range rows {
		if err := b.decide(r, indexes[i]); err != nil {
			return err
		}
	}
	return b.write(ctx, tx)
}

// load reads the enterprises, practitioners and registrations the rows name.
func (b *registrationBatch) load(ctx context.Context, tx bun.Tx, rows []imports.Registration, indexes []string) error {
	var usccs, numbers []string
	for _, r := range rows {
		usccs = append(usccs, r.EnterpriseUSCC)
		numbers = append(numbers, r.Number)
	}
	b.enterprises = map[string]bool{}
	var found []string
	if len(rows) > 0 {
		if err := tx.NewSelect().TableExpr("enterprises").Column("uscc").
			Where("uscc = ANY(?)", pgdialect.Array(uniq(usccs))).Scan(ctx, &found); err != nil {
			return err
		}
	}
	for _, u := range found {
		b.enterprises[u] = true
	}
	var err error
	if b.pracs, err = practitionersByIndex(ctx, tx, indexes); err != nil {
		return err
	}
	b.existing = map[string]Registration{}
	b.active = map[string]bool{}
	if len(rows) == 0 {
		return nil
	}
	var regs []Registration
	if err := tx.NewSelect().Model(&regs).Column("id", "number", "practitioner_id", "level").
		Where("number = ANY(?)", pgdialect.Array(uniq(numbers))).Scan(ctx); err != nil {
		return err
	}
	for _, r := range regs {
		b.existing[r.Number] = r
	}
	ids := make([]string, 0, len(b.pracs))
	for _, id := range b.pracs {
		ids = append(ids, id)
	}
	var active []string
	if len(ids) > 0 {
		if err := tx.NewSelect().TableExpr("registrations").Column("practitioner_id").
			Where("practitioner_id = ANY(?::uuid[]) AND status = 'active'", pgdialect.Array(ids)).Scan(ctx, &active); err != nil {
			return err
		}
	}
	for _, id := range active {
		b.active[id] = true
	}
	return nil
}

// decide settles one row: rejected now, or queued for the inserts.
func (b *registrationBatch) decide(r imports.Registration, index string) error {
	if !b.enterprises[r.EnterpriseUSCC] {
		b.out.reject(r.Line, imports.CodeUnknownEnterprise, "enterprise_uscc names no registered enterprise; import the enterprises first")
		return nil
	}
	pracID := b.pracs[index]
	if reg, ok := b.existing[r.Number]; ok {
		if pracID == "" || reg.PractitionerID != pracID || reg.Level != r.Level {
			b.out.reject(r.Line, imports.CodeRegistrationMismatch, "registration_number is registered to another person or at another level")
			return nil
		}
		b.links[linkKey{pracID, r.EnterpriseUSCC}] = true
		b.addSpecialty(reg.ID, r, true)
		return nil
	}
	if holder, ok := b.newIndex[r.Number]; ok {
		reg := b.newReg(r.Number)
		if holder != index || reg.Level != r.Level {
			b.out.reject(r.Line, imports.CodeRegistrationMismatch, "an earlier row gives registration_number to another person or another level")
			return nil
		}
		b.links[linkKey{pracID, r.EnterpriseUSCC}] = true
		b.addSpecialty(reg.ID, r, true)
		return nil
	}
	if r.Status == "active" && pracID != "" && b.active[pracID] {
		b.out.reject(r.Line, imports.CodeAlreadyActive, "the practitioner already holds another active registration")
		return nil
	}
	if pracID == "" {
		p, err := b.newPractitioner(r, index)
		if err != nil {
			return err
		}
		pracID = p
	}
	if r.Status == "active" {
		b.active[pracID] = true
	}
	reg := Registration{ID: uuid.NewString(), Number: r.Number, PractitionerID: pracID, EnterpriseUSCC: r.EnterpriseUSCC,
		Level: r.Level, Specialty: r.Specialty, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, Status: r.Status}
	b.newRegs = append(b.newRegs, reg)
	b.newIndex[r.Number] = index
	b.serials[r.Number] = serial{r.Province, r.RegisteredYear, r.Serial}
	b.links[linkKey{pracID, r.EnterpriseUSCC}] = true
	b.addSpecialty(reg.ID, r, false)
	return nil
}

// newReg finds a registration queued by an earlier row.
func (b *registrationBatch) newReg(number string) *Registration {
	for i := range b.newRegs {
		if b.newRegs[i].Number == number {
			return &b.newRegs[i]
		}
	}
	return nil
}

// addSpecialty queues a specialty of a registration and the holder's link to the enterprise;
// extra says the row adds nothing else (its outcome is the specialty's).
func (b *registrationBatch) addSpecialty(regID string, r imports.Registration, extra bool) {
	key := regID + "\x00" + r.Specialty
	if b.specSeen[key] {
		b.out.duplicates++
		return
	}
	b.specSeen[key] = true
	b.specs = append(b.specs, RegistrationSpecialty{RegistrationID: regID, Specialty: r.Specialty, AddedOn: r.ValidFrom})
	b.extra = append(b.extra, extra)
}

// newPractitioner queues a practitioner for a resident ID the registry does not know.
func (b *registrationBatch) newPractitioner(r imports.Registration, index string) (string, error) {
	enc, err := b.s.Sealer.Seal(r.IDNumber)
	if err != nil {
		return "", err
	}
	p := Practitioner{ID: uuid.NewString(), IDNumberEnc: enc, IDNumberIndex: index, Name: r.Name, Level: r.Level,
		Specialty: r.Specialty, CertificateNo: "", CreatedBy: b.createdBy}
	b.newPracs = append(b.newPracs, p)
	b.pracs[index] = p.ID
	return p.ID, nil
}
