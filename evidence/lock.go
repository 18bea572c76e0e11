package evidence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/minio/minio-go/v7"
)

// This file makes evidence write-once: the bucket has object locking, and each committed
// evidence version gets a retention period in compliance mode, which nobody — the storage
// credentials included — can shorten or remove. Versions without retention (a refused upload,
// an import file) stay removable.

// ErrBucketNotLocked: the bucket exists without object locking, which MinIO can only enable
// when a bucket is created.
var ErrBucketNotLocked = errors.New("the evidence bucket exists without object locking; " +
	"create a new bucket (set MINIO_BUCKET to a new name and copy the objects over, or remove the old one) — see README, Security")

// checkLocked fails with ErrBucketNotLocked unless the bucket has object locking enabled.
func (s *Store) checkLocked(ctx context.Context) error {
	actx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	enabled, _, _, _, err := s.client.GetObjectLockConfig(actx, s.bucket)
	if err != nil {
		var resp minio.ErrorResponse
		if errors.As(err, &resp) && resp.Code == "ObjectLockConfigurationNotFoundError" {
			return fmt.Errorf("evidence: bucket %q: %w", s.bucket, ErrBucketNotLocked)
		}
		return fmt.Errorf("evidence: object lock of bucket %q: %w", s.bucket, storageErr(ctx, err))
	}
	if enabled != "Enabled" {
		return fmt.Errorf("evidence: bucket %q: %w", s.bucket, ErrBucketNotLocked)
	}
	return nil
}

// Retain puts the object version under retention in compliance mode until until: neither it
// nor its retention can be deleted or shortened before then.
func (s *Store) Retain(ctx context.Context, key, versionID string, until time.Time) error {
	actx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	mode := minio.Compliance
	until = until.UTC()
	err := s.client.PutObjectRetention(actx, s.bucket, key, minio.PutObjectRetentionOptions{
		Mode: &mode, RetainUntilDate: &until, VersionID: versionID})
	if err != nil {
		return fmt.Errorf("evidence: retain %q version %q: %w", key, versionID, storageErr(ctx, err))
	}
	return nil
}

// RemoveVersion deletes one version of the object key; a version under retention refuses.
func (s *Store) RemoveVersion(ctx context.Context, key, versionID string) error {
	actx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if err := s.client.RemoveObject(actx, s.bucket, key, minio.RemoveObjectOptions{VersionID: versionID}); err != nil {
		return fmt.Errorf("evidence: remove %q version %q: %w", key, versionID, storageErr(ctx, err))
	}
	return nil
}

// Remove deletes the object key with all its versions (a refused upload, an imported file),
// so nothing stays behind a delete marker. Removing a missing object is not an error; a version
// under retention refuses. An unreachable or failing MinIO yields ErrUnavailable, within
// answerTimeout when it does not answer.
func (s *Store) Remove(ctx context.Context, key string) error {
	actx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	for obj := range s.client.ListObjects(actx, s.bucket, minio.ListObjectsOptions{Prefix: key, WithVersions: true}) {
		if obj.Err != nil {
			return fmt.Errorf("evidence: remove %q: %w", key, storageErr(ctx, obj.Err))
		}
		if obj.Key != key {
			continue
		}
		if err := s.client.RemoveObject(actx, s.bucket, key, minio.RemoveObjectOptions{VersionID: obj.VersionID}); err != nil {
			return fmt.Errorf("evidence: remove %q: %w", key, storageErr(ctx, err))
		}
	}
	return nil
}
