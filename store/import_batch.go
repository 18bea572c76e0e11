package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"certflow/imports"
)

// batchOutcome is what the database made of a batch's parsed rows.
type batchOutcome struct {
	imported, duplicates int64
	errors               []imports.RowError
}

// reject records a row refused by what the registry holds.
func (o *batchOutcome) reject(line int64, code, format string, args ...any) {
	o.errors = append(o.errors, imports.RowError{Line: line, Code: code, Message: fmt.Sprintf(format, args...)})
}

// ApplyImportBatch writes one batch of an import with set-based statements and, in the same
// transaction, moves the import's committed position to the batch's end and adds its counts and
// its first errors. from is the progress the batch was read from: when the import is no longer
// there (another attempt committed this batch) nothing is written and ErrStaleImport is
// returned. Rows already present count as duplicates.
func (s *Store) ApplyImportBatch(ctx context.Context, id string, from imports.Progress, b *imports.Batch) (imports.Progress, error) {
	var next imports.Progress
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		out := &batchOutcome{errors: slices.Clone(b.Errors)}
		var err error
		switch b.Kind {
		case imports.KindRegistrations:
			err = s.importRegistrations(ctx, tx, "import:"+id, b.Registrations, out)
		case imports.KindEnterprises:
			err = importEnterprises(ctx, tx, b.Enterprises, out)
		case imports.KindEducation:
			err = s.importEducation(ctx, tx, b.Education, out)
		default:
			err = fmt.Errorf("unknown import kind %q", b.Kind)
		}
		if err != nil {
			return err
		}
		counts := imports.Counts{RowsRead: b.Rows, Imported: out.imported, Duplicates: out.duplicates, Rejected: int64(len(out.errors))}
		if sum := counts.Imported + counts.Duplicates + counts.Rejected; sum != counts.RowsRead {
			return fmt.Errorf("import batch accounting: %d rows read but %d decided", counts.RowsRead, sum)
		}
		slices.SortStableFunc(out.errors, func(a, b imports.RowError) int { return int(a.Line - b.Line) })
		kept := out.errors[:min(len(out.errors), max(0, imports.MaxErrors-int(min(from.Rejected, imports.MaxErrors))))]
		next = imports.Progress{Position: b.End, Counts: from.Counts.Add(counts)}
		q := tx.NewUpdate().Model((*Import)(nil)).
			Set("byte_offset = ?, line = ?", next.Offset, next.Line).
			Set("rows_read = ?, imported = ?, duplicates = ?, rejected = ?", next.RowsRead, next.Imported, next.Duplicates, next.Rejected)
		if len(kept) > 0 {
			errJSON, err := json.Marshal(kept)
			if err != nil {
				return err
			}
			q = q.Set("errors = errors || ?::jsonb", string(errJSON))
		}
		res, err := q.Where("id = ? AND status = ? AND byte_offset = ? AND rows_read = ?", id, ImportRunning, from.Offset, from.RowsRead).
			Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStaleImport
		}
		return nil
	})
	if err != nil {
		return from, err
	}
	return next, nil
}

// importEnterprises inserts new enterprises; credit codes already registered (or repeated in
// the batch) are duplicates.
func importEnterprises(ctx context.Context, tx bun.Tx, rows []imports.Enterprise, out *batchOutcome) error {
	seen := map[string]bool{}
	var ents []Enterprise
	for _, r := range rows {
		if seen[r.USCC] {
			out.duplicates++
			continue
		}
		seen[r.USCC] = true
		ents = append(ents, Enterprise{USCC: r.USCC, Name: r.Name, ProvinceCode: r.ProvinceCode,
			Qualification: r.Qualification, QualificationValid: true})
	}
	n, err := insertNew(ctx, tx, &ents, len(ents), "CONFLICT (uscc) DO NOTHING")
	out.imported += n
	out.duplicates += int64(len(ents)) - n
	return err
}

// importEducation inserts the courses of known practitioners (one blind-index query per
// batch); a course already recorded is a duplicate.
func (s *Store) importEducation(ctx context.Context, tx bun.Tx, rows []imports.Education, out *batchOutcome) error {
	indexes := make([]string, len(rows))
	for i, r := range rows {
		indexes[i] = s.Sealer.Index(r.IDNumber)
	}
	pracs, err := practitionersByIndex(ctx, tx, indexes)
	if err != nil {
		return err
	}
	type key struct {
		prac, provider, course string
		on                     int64
	}
	seen := map[key]bool{}
	var recs []EducationRecord
	for i, r := range rows {
		id := pracs[indexes[i]]
		if id == "" {
			out.reject(r.Line, imports.CodeUnknownPractitioner, "no practitioner with this id_number is registered; import their registration first")
			continue
		}
		k := key{id, r.Provider, r.Course, r.CompletedOn.Unix()}
		if seen[k] {
			out.duplicates++
			continue
		}
		seen[k] = true
		recs = append(recs, EducationRecord{PractitionerID: id, Provider: r.Provider, Course: r.Course,
			Hours: r.Hours, CompletedOn: r.CompletedOn})
	}
	n, err := insertNew(ctx, tx, &recs, len(recs), "CONFLICT DO NOTHING")
	out.imported += n
	out.duplicates += int64(len(recs)) - n
	return err
}

// insertNew inserts the n rows of model (a pointer to a slice) with the ON clause and returns
// how many were inserted.
func insertNew(ctx context.Context, tx bun.Tx, model any, n int, on string) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	res, err := tx.NewInsert().Model(model).On(on).Returning("NULL").Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// practitionersByIndex maps blind indexes to practitioner ids, in one query.
func practitionersByIndex(ctx context.Context, tx bun.IDB, indexes []string) (map[string]string, error) {
	var found []struct {
		ID    string `bun:"id"`
		Index string `bun:"id_number_index"`
	}
	out := map[string]string{}
	if len(indexes) == 0 {
		return out, nil
	}
	err := tx.NewSelect().TableExpr("practitioners").Column("id", "id_number_index").
		Where("id_number_index = ANY(?)", pgdialect.Array(uniq(indexes))).Scan(ctx, &found)
	for _, f := range found {
		out[f.Index] = f.ID
	}
	return out, err
}

// uniq returns the distinct values of list, in first-seen order.
func uniq(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := make([]string, 0, len(list))
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
