package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/switchboard-cc/switchboard/crm/contactio"
)

// importOptions are the import command's flags.
type importOptions struct {
	encoding  string
	delimiter string
	source    string
	region    string
}

func importCommand(fs *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	var opts importOptions
	fs.StringVar(&opts.encoding, "encoding", "auto", inv.msg.flagEncoding)
	fs.StringVar(&opts.delimiter, "delimiter", "auto", inv.msg.flagDelimiter)
	fs.StringVar(&opts.source, "source", "", inv.msg.flagSource)
	fs.StringVar(&opts.region, "region", "", inv.msg.flagRegion)

	return func(ctx context.Context, args []string) error {
		if err := checkContactsNoun("import", args); err != nil {
			return err
		}
		return importContacts(ctx, inv, args[1], opts)
	}
}

func exportCommand(_ *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	return func(ctx context.Context, args []string) error {
		if err := checkContactsNoun("export", args); err != nil {
			return err
		}
		return exportContacts(ctx, inv, args[1])
	}
}

// checkContactsNoun accepts "contacts" as the object of import and export; other kinds
// of records (companies, call lists) will use the same commands.
func checkContactsNoun(command string, args []string) error {
	if args[0] != "contacts" {
		return invalidArgument(command, args[0])
	}
	return nil
}

// parseDelimiter maps the --delimiter value to contactio's rune; 0 means detect.
func parseDelimiter(value string) (rune, bool) {
	switch value {
	case "auto", "":
		return 0, true
	case ",", "comma":
		return ',', true
	case ";", "semicolon":
		return ';', true
	case "\t", "tab":
		return '\t', true
	}
	return 0, false
}

func importContacts(ctx context.Context, inv *invocation, file string, opts importOptions) error {
	delimiter, ok := parseDelimiter(opts.delimiter)
	if !ok {
		return usageError{newUserError(func(m *messages) string { return m.badDelimiter }, opts.delimiter)}
	}
	encoding := opts.encoding
	if encoding == "auto" {
		encoding = ""
	}

	cfg, logger, err := inv.setup()
	if err != nil {
		return err
	}
	region := opts.region
	if region == "" {
		region = cfg.Phone.DefaultRegion
	}
	source := opts.source
	if source == "" {
		source = filepath.Base(file)
	}

	f, err := openInput(file)
	if err != nil {
		return err
	}
	defer f.Close()

	pool, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	report, err := contactio.Import(ctx, pool, f, contactio.ImportOptions{
		Encoding:  encoding,
		Delimiter: delimiter,
		Region:    region,
		Source:    source,
		Logger:    logger,
	})
	if err != nil {
		return err
	}
	return report.Format(inv.env.stdout, inv.lang)
}

// errorReason returns the operating system's reason for a failed file operation,
// without the path that the message already names.
func errorReason(err error) string {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err.Error()
	}
	var linkErr *os.LinkError
	if errors.As(err, &linkErr) {
		return linkErr.Err.Error()
	}
	return err.Error()
}

// exportContacts writes the contacts to file through a temporary file in the same folder,
// so a failed export never leaves a truncated file in place of a good one.
func exportContacts(ctx context.Context, inv *invocation, file string) error {
	cfg, err := inv.loadConfig()
	if err != nil {
		return err
	}
	pool, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	// "-" writes the file to standard output, as Unix tools do; the count goes to standard
	// error so that it does not end up in the file.
	if file == "-" {
		count, err := contactio.Export(ctx, pool, inv.env.stdout, contactio.ExportOptions{Lang: inv.lang})
		if err != nil {
			return err
		}
		fmt.Fprint(inv.env.stderr, numberPrinter(inv.lang).Sprintf(inv.msg.exported, count, file))
		return nil
	}

	cannotWrite := func(m *messages) string { return m.cannotWrite }
	// A folder is rejected before the export, because renaming the temporary file over
	// it would fail only at the end, with an error that names the temporary file.
	if info, err := os.Stat(file); err == nil && info.IsDir() {
		return newFileError(cannotWrite, file, syscall.EISDIR)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return newFileError(cannotWrite, file, err)
	}
	defer os.Remove(tmp.Name())

	count, err := contactio.Export(ctx, pool, tmp, contactio.ExportOptions{Lang: inv.lang})
	if err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return newFileError(cannotWrite, file, err)
	}
	// CreateTemp makes the file 0600; an export is an ordinary document.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return newFileError(cannotWrite, file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return newFileError(cannotWrite, file, err)
	}

	fmt.Fprint(inv.env.stdout, numberPrinter(inv.lang).Sprintf(inv.msg.exported, count, file))
	return nil
}
