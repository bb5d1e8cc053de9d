// Package groupcommit shares one bbolt commit (and its fsyncs) among
// concurrent writers without a timer.
//
// bbolt's DB.Batch waits up to MaxBatchDelay (10 ms by default) for more
// writers before it commits, so a lone writer always pays the timer. Here a
// writer that finds no commit in flight commits at once; writers that arrive
// while a commit is in flight queue up and the next commit takes all of them.
// Under load commits are as large as the fsync time allows; alone, a write
// costs exactly one commit. The same idea as group commit in databases
// (PostgreSQL's commit_delay = 0, or InnoDB's binlog group commit).
package groupcommit
