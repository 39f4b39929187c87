// Package contactio imports contacts from CSV files and exports them back.
//
// Import reads a whole file into memory, decodes it (UTF-8 with or without a byte
// order mark, Windows-1251 or KOI8-R), checks that no value or record is
// larger than a contact file needs, maps Russian and English headers to contact fields,
// validates every row and merges rows that share a phone number. Only then does it
// touch the database, in one transaction. The phones and e-mails are COPYed into
// temporary staging tables and matched with stored contacts. New contacts, with
// their phones, e-mails and tags, are then COPYed straight into the CRM tables,
// and rows that match stored contacts are merged by set-based statements.
// A file that cannot be read as a whole returns a *FileError and changes nothing. Row
// problems do not stop the import: they are listed in the Report by line number.
//
// Export writes the contacts as a CSV that Excel opens correctly in a Russian locale,
// and Import reads such an export back into the same contacts.
//
// Messages for users are codes with parameters, rendered in Russian or English by
// Report.Format and ErrorMessage. Every function is safe for concurrent use. Two
// imports that run at the same time serialise on a transaction-level advisory lock,
// because each one decides which contacts exist before it inserts new ones.
package contactio
