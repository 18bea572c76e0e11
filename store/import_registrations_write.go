package store

import (
	"context"
	"sort"

	"github.com/uptrace/bun"
)

// write inserts what the batch's rows queued — practitioners, registrations, specialties,
// links — with one multi-row INSERT … ON CONFLICT DO NOTHING each, counts the rows imported
// and duplicate from what was inserted, and moves the provincial serials past the imported
// numbers so registrations issued later never reuse one.
func (b *registrationBatch) write(ctx context.Context, tx bun.Tx) error {
	if err := b.insertPractitioners(ctx, tx); err != nil {
		return err
	}
	inserted := map[string]bool{} // registration ids
	if len(b.newRegs) > 0 {
		var ids []string
		if _, err := tx.NewInsert().Model(&b.newRegs).On("CONFLICT DO NOTHING").Returning("id").Exec(ctx, &ids); err != nil {
			return err
		}
		for _, id := range ids {
			inserted[id] = true
		}
	}
	isNew := map[string]bool{}
	for _, r := range b.newRegs {
		isNew[r.ID] = true
		if inserted[r.ID] {
			b.out.imported++
		} else {
			b.out.duplicates++ // registered meanwhile by another import
		}
	}
	var specs []RegistrationSpecialty
	var extra []bool
	for i, sp := range b.specs {
		if isNew[sp.RegistrationID] && !inserted[sp.RegistrationID] {
			if b.extra[i] {
				b.out.duplicates++
			}
			continue
		}
		specs, extra = append(specs, sp), append(extra, b.extra[i])
	}
	if len(specs) > 0 {
		var got []RegistrationSpecialty
		if _, err := tx.NewInsert().Model(&specs).On("CONFLICT DO NOTHING").Returning("registration_id, specialty").Exec(ctx, &got); err != nil {
			return err
		}
		added := map[string]bool{}
		for _, g := range got {
			added[g.RegistrationID+"\x00"+g.Specialty] = true
		}
		for i, sp := range specs {
			switch {
			case !extra[i]:
			case added[sp.RegistrationID+"\x00"+sp.Specialty]:
				b.out.imported++
			default:
				b.out.duplicates++
			}
		}
	}
	if err := b.insertLinks(ctx, tx); err != nil {
		return err
	}
	return b.raiseSerials(ctx, tx, inserted)
}

// insertPractitioners inserts the new practitioners; one another import created meanwhile is
// used as it is.
func (b *registrationBatch) insertPractitioners(ctx context.Context, tx bun.Tx) error {
	if len(b.newPracs) == 0 {
		return nil
	}
	var got []string
	if _, err := tx.NewInsert().Model(&b.newPracs).On("CONFLICT (id_number_index) DO NOTHING").
		Returning("id_number_index").Exec(ctx, &got); err != nil {
		return err
	}
	if len(got) == len(b.newPracs) {
		return nil
	}
	created := map[string]bool{}
	for _, ix := range got {
		created[ix] = true
	}
	var missing []string
	remap := map[string]string{} // generated id → index, for those not inserted
	for _, p := range b.newPracs {
		if !created[p.IDNumberIndex] {
			missing = append(missing, p.IDNumberIndex)
			remap[p.ID] = p.IDNumberIndex
		}
	}
	existing, err := practitionersByIndex(ctx, tx, missing)
	if err != nil {
		return err
	}
	for i := range b.newRegs {
		if ix, ok := remap[b.newRegs[i].PractitionerID]; ok {
			b.newRegs[i].PractitionerID = existing[ix]
		}
	}
	links := map[linkKey]bool{}
	for l := range b.links {
		if ix, ok := remap[l.prac]; ok {
			l.prac = existing[ix]
		}
		links[l] = true
	}
	b.links = links
	return nil
}

// insertLinks links the practitioners to their enterprises.
func (b *registrationBatch) insertLinks(ctx context.Context, tx bun.Tx) error {
	links := make([]practitionerLink, 0, len(b.links))
	for l := range b.links {
		links = append(links, practitionerLink{PractitionerID: l.prac, EnterpriseUSCC: l.uscc})
	}
	// A stable order keeps concurrent imports from deadlocking on the same links.
	sort.Slice(links, func(i, j int) bool {
		if links[i].PractitionerID != links[j].PractitionerID {
			return links[i].PractitionerID < links[j].PractitionerID
		}
		return links[i].EnterpriseUSCC < links[j].EnterpriseUSCC
	})
	_, err := insertNew(ctx, tx, &links, len(links), "CONFLICT DO NOTHING")
	return err
}

// raiseSerials moves each province's serial of a year to at least the highest imported one.
func (b *registrationBatch) raiseSerials(ctx context.Context, tx bun.Tx, inserted map[string]bool) error {
	type provinceYear struct {
		province string
		year     int
	}
	top := map[provinceYear]int{}
	for _, r := range b.newRegs {
		if !inserted[r.ID] {
			continue
		}
		s := b.serials[r.Number]
		k := provinceYear{s.province, s.year}
		top[k] = max(top[k], s.serial)
	}
	keys := make([]provinceYear, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].province < keys[j].province || keys[i].province == keys[j].province && keys[i].year < keys[j].year
	})
	for _, k := range keys {
		if _, err := tx.NewRaw(`INSERT INTO registration_serials (province, year, last) VALUES (?, ?, ?)
			ON CONFLICT (province, year) DO UPDATE SET last = GREATEST(registration_serials.last, EXCLUDED.last)`,
			k.province, k.year, top[k]).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
