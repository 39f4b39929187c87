package contactio

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// importBatchRows is the number of records validated, and then written, as one
// batch. While one batch is written, the next is validated. Smaller batches
// overlap the two more but cost more round trips: about ten statements and four
// COPYs each. The first batches are smaller, because nothing is written while
// the first one is validated.
const importBatchRows = 8192

// batchRange is a range of a file's records, [start, end).
type batchRange struct{ start, end int }

// importRecords validates the records of file and writes the valid ones in one
// transaction. A producer goroutine validates batch after batch, and this
// goroutine writes each batch as soon as it is validated. At the end it merges
// what the batches could not decide (batchWriter.finish). Nothing is written
// when no row is valid.
func importRecords(ctx context.Context, db *pgxpool.Pool, file sourceFile, normalizer *phone.Normalizer, opts ImportOptions, batchRows int) (parsedFile, writeResult, error) {
	records := len(file.records.Rows)
	results := make([]rowResult, records)

	ctx, cancel := context.WithCancel(ctx)
	validated := make(chan batchRange, 1)
	var producer sync.WaitGroup
	// parseErr is written by the producer before it closes validated and read
	// here only after validated is closed.
	var parseErr error
	producer.Go(func() {
		defer close(validated)
		for start, size := 0, max(1, batchRows/4); start < records; start, size = start+size, min(2*size, batchRows) {
			batch := batchRange{start, min(start+size, records)}
			// A validated batch waiting in the channel means the writer and
			// the database backend are the slower side, so validation leaves
			// them a core. An empty channel means the writer waits for
			// validation, which then takes every core.
			workers := runtime.GOMAXPROCS(0)
			if len(validated) > 0 {
				workers = max(1, workers-1)
			}
			if err := parseRows(ctx, file, normalizer, results, batch.start, batch.end, workers); err != nil {
				parseErr = err
				return
			}
			select {
			case validated <- batch:
			case <-ctx.Done():
				parseErr = fmt.Errorf("validate rows: %w", ctx.Err())
				return
			}
		}
	})
	// The producer stops at its next check of the context, and it must be gone
	// before this function returns.
	defer producer.Wait()
	defer cancel()

	parsed := newParsedFile(file)
	var w *batchWriter
	defer func() {
		if w != nil {
			// Rollback after Commit does nothing. The import's own context may
			// be cancelled by now, and the rollback must still reach the server.
			_ = w.tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	for batch := range validated {
		from := len(parsed.rows)
		for i := batch.start; i < batch.end; i++ {
			parsed.add(results[i])
			results[i] = rowResult{}
		}
		if len(parsed.rows) == from {
			continue
		}
		if w == nil {
			var err error
			if w, err = beginImport(ctx, db); err != nil {
				return parsedFile{}, writeResult{}, fmt.Errorf("import contacts from %s: %w", sourceName(opts.Source), err)
			}
		}
		if err := w.writeBatch(ctx, parsed.rows, from); err != nil {
			return parsedFile{}, writeResult{}, fmt.Errorf("import contacts from %s: %w", sourceName(opts.Source), err)
		}
	}
	if parseErr != nil {
		return parsedFile{}, writeResult{}, parseErr
	}
	if w == nil {
		return parsed, writeResult{}, nil
	}

	written, err := w.finish(ctx, parsed.rows, parsed.rejected, opts)
	if err == nil {
		err = w.tx.Commit(ctx)
	}
	if err != nil {
		return parsedFile{}, writeResult{}, fmt.Errorf("import contacts from %s: %w", sourceName(opts.Source), err)
	}
	return parsed, written, nil
}

// batchWriter writes the valid rows of one import, batch by batch, in one
// transaction. A batch writes the rows that start a contact of their own as far
// as the file has been read: none of their phones (or, without phones, e-mails)
// was in an earlier row, and no stored contact has one. Such a row can still
// turn out to share a contact with a later row; finish corrects that.
type batchWriter struct {
	tx pgx.Tx
	// sequence is the identity sequence of contacts.id.
	sequence string

	// firstRowOf maps each merge key (mergeKeys) read so far to the first
	// valid row that has it.
	firstRowOf map[string]int
	// contactIDs holds, by valid row, the id of the contact written for the
	// row, or 0 for a row left to finish.
	contactIDs []int64
	// written holds every id in contactIDs, to tell the contacts of this
	// import from stored ones.
	written map[int64]bool
	// storedMatch holds, by valid row, a stored contact that has a key first
	// read in that row, or 0. moreStoredMatches lists the other ones for the
	// few rows whose keys belong to several stored contacts.
	storedMatch       []int64
	moreStoredMatches map[int][]int64

	// companyIDs and tagIDs map every spelling read so far to the id of its
	// company or tag.
	companyIDs map[string]int64
	tagIDs     map[string]int64
	// newCompanies are the companies this import created. finish deletes
	// those no contact ends up in.
	newCompanies []int64
}

// beginImport starts the import's transaction and takes the import lock.
func beginImport(ctx context.Context, db *pgxpool.Pool) (*batchWriter, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	w := &batchWriter{
		tx:                tx,
		firstRowOf:        map[string]int{},
		written:           map[int64]bool{},
		moreStoredMatches: map[int][]int64{},
		companyIDs:        map[string]int64{},
		tagIDs:            map[string]int64{},
	}
	if err := w.prepare(ctx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return nil, err
	}
	return w, nil
}

func (w *batchWriter) prepare(ctx context.Context) error {
	if _, err := w.tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", importLockKey); err != nil {
		return fmt.Errorf("lock contact import: %w", err)
	}
	// The joins and sorts of finish handle one row per phone of the file. With
	// the default of 4 MB, a 100,000-row file spills them to disk.
	if _, err := w.tx.Exec(ctx, "SET LOCAL work_mem = '64MB'"); err != nil {
		return fmt.Errorf("set work_mem for contact import: %w", err)
	}
	// The staging tables are never analysed, so the planner guesses millions
	// of rows for their joins and JIT-compiles each statement. That cost
	// 0.1 to 0.2 s per statement in BenchmarkImport100k (PostgreSQL 15).
	if _, err := w.tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return fmt.Errorf("turn off JIT for contact import: %w", err)
	}
	var sequence *string
	if err := w.tx.QueryRow(ctx, "SELECT pg_get_serial_sequence('contacts', 'id')").Scan(&sequence); err != nil {
		return fmt.Errorf("find the id sequence of contacts: %w", err)
	}
	if sequence == nil {
		return errNoSequence
	}
	w.sequence = *sequence
	return nil
}

// matchStoredSQL returns the live stored contacts that have one of the numbers
// $1 or one of the lower-cased e-mail addresses $2, with the number's
// extension. Each CTE reads only its index (batchWriter.matchStored turns the
// other plans off).
const matchStoredSQL = `
WITH by_phone AS MATERIALIZED (
    SELECT e164 AS key, extension, contact_id FROM phones WHERE e164 = ANY($1::text[])
), by_email AS MATERIALIZED (
    SELECT lower(address) AS key, '' AS extension, contact_id FROM emails WHERE lower(address) = ANY($2::text[])
)
SELECT 'phone', f.key, f.extension, f.contact_id
FROM by_phone f JOIN contacts c ON c.id = f.contact_id AND c.deleted_at IS NULL
UNION ALL
SELECT 'email', f.key, f.extension, f.contact_id
FROM by_email f JOIN contacts c ON c.id = f.contact_id AND c.deleted_at IS NULL`

// writeBatch writes the valid rows from index from on. It finds the stored
// contacts they match, creates their companies and tags, and copies the rows
// that start a contact of their own into the CRM tables.
func (w *batchWriter) writeBatch(ctx context.Context, rows []contactRow, from int) error {
	w.contactIDs = append(w.contactIDs, make([]int64, len(rows)-from)...)
	w.storedMatch = append(w.storedMatch, make([]int64, len(rows)-from)...)

	// A row that shares a key with an earlier row belongs to that row's
	// contact. Only keys read here for the first time are looked up among the
	// stored contacts, because older keys were looked up with their first row.
	joined := make([]bool, len(rows)-from)
	var numbers, addresses []string
	for i := from; i < len(rows); i++ {
		row := rows[i]
		if len(row.phones) > 0 {
			for _, p := range row.phones {
				if w.claimKey(phoneMergeKey(p), i) {
					numbers = append(numbers, p.number.E164)
				} else {
					joined[i-from] = true
				}
			}
			continue
		}
		for _, address := range row.emails {
			if w.claimKey(emailMergeKey(address), i) {
				addresses = append(addresses, strings.ToLower(address))
			} else {
				joined[i-from] = true
			}
		}
	}
	if err := w.matchStored(ctx, numbers, addresses); err != nil {
		return err
	}

	var starts []int
	for i := from; i < len(rows); i++ {
		if !joined[i-from] && w.storedMatch[i] == 0 {
			starts = append(starts, i)
		}
	}
	if err := w.allocateContactIDs(ctx, starts); err != nil {
		return err
	}
	// Companies and tags are created for every row, in file order, so that the
	// first spelling in the file wins even when its row is merged at the end.
	if err := w.insertCompanies(ctx, rows[from:]); err != nil {
		return err
	}
	if err := w.insertTags(ctx, rows[from:]); err != nil {
		return err
	}
	return w.copyContacts(ctx, rows, starts)
}

// claimKey records row as the first row with key, unless an earlier row has it,
// and reports whether it did. The keys are those of mergeKeys.
func (w *batchWriter) claimKey(key string, row int) bool {
	if _, seen := w.firstRowOf[key]; seen {
		return false
	}
	w.firstRowOf[key] = row
	return true
}

// matchStored looks numbers and addresses up among the live stored contacts and
// records each match with the row that first read the key.
func (w *batchWriter) matchStored(ctx context.Context, numbers, addresses []string) error {
	if len(numbers) == 0 && len(addresses) == 0 {
		return nil
	}
	// The planner's statistics do not count the rows this import has added in
	// its transaction. Taking the tables for nearly empty, it scans them whole,
	// although they grow with every batch. An index lookup per key suits the
	// query at any table size, so sequential scans and the joins built on them
	// are turned off for this one statement, in the same round trip.
	batch := &pgx.Batch{}
	batch.Queue("SET LOCAL enable_seqscan = off")
	batch.Queue("SET LOCAL enable_hashjoin = off")
	batch.Queue("SET LOCAL enable_mergejoin = off")

	batch.Queue(matchStoredSQL, numbers, addresses).Query(func(found pgx.Rows) error {
		for found.Next() {
			var kind, key, extension string
			var contactID int64
			if err := found.Scan(&kind, &key, &extension, &contactID); err != nil {
				return fmt.Errorf("scan stored contact match: %w", err)
			}
			// An e-mail of a row with phones is written without being a key,
			// so a contact of this import can have an address a later row
			// looks up.
			if w.written[contactID] {
				continue
			}
			var mergeKey string
			if kind == "phone" {
				mergeKey = phoneMergeKey(phoneEntry{number: phone.Number{E164: key, Extension: extension}})
			} else {
				mergeKey = emailMergeKey(key)
			}
			// The index also finds numbers with another extension, and
			// addresses that only PostgreSQL folds to the same lower case.
			row, ok := w.firstRowOf[mergeKey]
			if !ok {
				continue
			}
			w.addStoredMatch(row, contactID)
		}
		return found.Err()
	})

	batch.Queue("RESET enable_seqscan")
	batch.Queue("RESET enable_hashjoin")
	batch.Queue("RESET enable_mergejoin")

	if err := w.tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("match imported contacts with stored ones: %w", err)
	}
	return nil
}

func (w *batchWriter) addStoredMatch(row int, contactID int64) {
	switch first := w.storedMatch[row]; {
	case first == 0:
		w.storedMatch[row] = contactID
	case first != contactID && !slices.Contains(w.moreStoredMatches[row], contactID):
		w.moreStoredMatches[row] = append(w.moreStoredMatches[row], contactID)
	}
}

// allocateContactIDs takes ids for the contacts of rows from the identity
// sequence of contacts.id in one statement, so that their rows and the rows of
// their phones, e-mails and tags can be copied straight into the tables.
func (w *batchWriter) allocateContactIDs(ctx context.Context, rows []int) error {
	if len(rows) == 0 {
		return nil
	}
	allocated, err := w.tx.Query(ctx, "SELECT nextval($1::regclass) FROM generate_series(1, $2)", w.sequence, len(rows))
	if err != nil {
		return fmt.Errorf("allocate ids for %d new contacts: %w", len(rows), err)
	}
	ids, err := pgx.CollectRows(allocated, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("allocate ids for %d new contacts: %w", len(rows), err)
	}
	if len(ids) != len(rows) {
		return fmt.Errorf("allocate ids for %d new contacts: got %d", len(rows), len(ids))
	}
	for n, i := range rows {
		w.contactIDs[i] = ids[n]
		w.written[ids[n]] = true
	}
	return nil
}

// insertNewCompaniesSQL creates the companies named in $1, which lists each
// spelling once in file order, and returns the ids of those it created. The
// first spelling of a name wins.
const insertNewCompaniesSQL = `
INSERT INTO companies (name)
SELECT DISTINCT ON (lower(named.name)) named.name
FROM unnest($1::text[]) WITH ORDINALITY AS named(name, ord)
ORDER BY lower(named.name), named.ord
ON CONFLICT (lower(name)) DO NOTHING
RETURNING id`

// insertCompanies creates the companies the rows name that no earlier batch
// named and learns their ids.
func (w *batchWriter) insertCompanies(ctx context.Context, rows []contactRow) error {
	names := newSpellings(w.companyIDs, rows, func(row contactRow) []string {
		if row.company == "" {
			return nil
		}
		return []string{row.company}
	})
	if len(names) == 0 {
		return nil
	}
	created, err := w.tx.Query(ctx, insertNewCompaniesSQL, names)
	if err != nil {
		return fmt.Errorf("insert companies: %w", err)
	}
	ids, err := pgx.CollectRows(created, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("insert companies: %w", err)
	}
	w.newCompanies = append(w.newCompanies, ids...)
	return selectNamedIDs(ctx, w.tx, "companies", names, w.companyIDs)
}

// insertTags creates the tags the rows name that no earlier batch named and
// learns their ids.
func (w *batchWriter) insertTags(ctx context.Context, rows []contactRow) error {
	names := newSpellings(w.tagIDs, rows, func(row contactRow) []string { return row.tags })
	if len(names) == 0 {
		return nil
	}
	if _, err := w.tx.Exec(ctx, insertTagsSQL, names); err != nil {
		return fmt.Errorf("insert tags: %w", err)
	}
	return selectNamedIDs(ctx, w.tx, "tags", names, w.tagIDs)
}

// newSpellings returns the names of rows that known lacks, each spelling once,
// in file order.
func newSpellings(known map[string]int64, rows []contactRow, names func(contactRow) []string) []string {
	var fresh []string
	seen := map[string]bool{}
	for _, row := range rows {
		for _, name := range names(row) {
			if _, ok := known[name]; ok || seen[name] {
				continue
			}
			seen[name] = true
			fresh = append(fresh, name)
		}
	}
	return fresh
}

// copyContacts copies the contacts of rows starts, with their phones, e-mails
// and tag links, straight into the CRM tables by COPY. These rows cannot
// conflict with stored ones, because the contact ids are fresh and each row
// contains every phone, e-mail and tag once.
func (w *batchWriter) copyContacts(ctx context.Context, rows []contactRow, starts []int) error {
	if len(starts) == 0 {
		return nil
	}
	var contactRows, phoneRows, emailRows, tagRows [][]any
	companies := map[int64]bool{}
	tags := map[int64]bool{}
	ids := func(set map[int64]bool) []int64 {
		list := make([]int64, 0, len(set))
		for id := range set {
			list = append(list, id)
		}
		return list
	}
	for _, i := range starts {
		c, contactID := rows[i], w.contactIDs[i]
		var companyID any
		if c.company != "" {
			id, ok := w.companyIDs[c.company]
			if !ok {
				return fmt.Errorf("copy new contacts: %w: %q", errNameNotFound, c.company)
			}
			companyID = id
			companies[id] = true
		}
		contactRows = append(contactRows, []any{contactID, c.lastName, c.firstName, c.middleName, companyID, c.position, c.vip, c.note})
		for ord, p := range c.phones {
			phoneRows = append(phoneRows, []any{contactID, p.number.E164, p.number.Extension, p.raw, p.kind, ord == 0})
		}
		for ord, address := range c.emails {
			emailRows = append(emailRows, []any{contactID, address, ord == 0})
		}
		// Tags that differ only in case were folded by appendFolded, but the
		// database may fold a few more characters, so the ids are compared too.
		linked := map[int64]bool{}
		for _, tag := range c.tags {
			tagID, ok := w.tagIDs[tag]
			if !ok {
				return fmt.Errorf("tag new contacts: %w: %q", errNameNotFound, tag)
			}
			if !linked[tagID] {
				linked[tagID] = true
				tags[tagID] = true
				tagRows = append(tagRows, []any{contactID, tagID})
			}
		}
	}

	skipped, err := skipForeignKeyChecks(ctx, w.tx, ids(companies), ids(tags))
	if err != nil {
		return err
	}
	err = copyTables(ctx, w.tx, []copyTable{
		{"contacts", []string{"id", "last_name", "first_name", "middle_name", "company_id", "position", "vip", "note"}, contactRows},
		{"phones", []string{"contact_id", "e164", "extension", "raw", "kind", "is_primary"}, phoneRows},
		{"emails", []string{"contact_id", "address", "is_primary"}, emailRows},
		{"contact_tags", []string{"contact_id", "tag_id"}, tagRows},
	})
	if err != nil {
		return err
	}
	if !skipped {
		return nil
	}
	// Every other statement of the import checks its foreign keys.
	if _, err := w.tx.Exec(ctx, "SET LOCAL session_replication_role = origin"); err != nil {
		return fmt.Errorf("check foreign keys again after copying new contacts: %w", err)
	}
	return nil
}
