package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// fileReason is the reason for a failed file operation in both languages.
type fileReason struct{ en, ru string }

// fileReasonOf translates the common operating-system reasons (not found, permission
// denied, is a directory) and keeps any other reason in the system's English words.
func fileReasonOf(err error) fileReason {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileReason{"no such file or folder", "нет такого файла или папки"}
	case errors.Is(err, fs.ErrPermission):
		return fileReason{"permission denied", "нет прав доступа"}
	case errors.Is(err, syscall.EISDIR):
		return fileReason{"it is a folder, not a file", "это папка, а не файл"}
	}
	reason := errorReason(err)
	return fileReason{reason, reason}
}

// newFileError formats a file message (cannotOpen or cannotWrite) for path with the
// translated reason of err.
func newFileError(pick func(*messages) string, path string, err error) *userError {
	reason := fileReasonOf(err)
	return &userError{
		en: fmt.Sprintf(pick(&english), path, reason.en),
		ru: fmt.Sprintf(pick(&russian), path, reason.ru),
	}
}

// openInput opens a file that a command reads. A folder is rejected here because
// os.Open succeeds on one and the first read fails with a less helpful error.
func openInput(path string) (*os.File, error) {
	cannotOpen := func(m *messages) string { return m.cannotOpen }
	f, err := os.Open(path)
	if err != nil {
		return nil, newFileError(cannotOpen, path, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, newFileError(cannotOpen, path, err)
	}
	if info.IsDir() {
		f.Close()
		return nil, newFileError(cannotOpen, path, syscall.EISDIR)
	}
	return f, nil
}
