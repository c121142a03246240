#!/usr/bin/env bash
# A sweep as an AWS Batch array job of 3 children, then a merge job that waits for all of
# them. AWS Batch gives each child AWS_BATCH_JOB_ARRAY_INDEX (0, 1, 2); `--shard auto` reads
# it, with the count from HARNESS_SIM_SHARD_COUNT in the job definition (Batch does not
# publish the array size to the container, so keep it equal to `size=` below). The parts go
# to an EFS file system mounted at /mnt/efs (set your fileSystemId in both definitions).
#
# Needs: the aws CLI, a job queue, and the image of examples/Dockerfile pushed to a registry
# the queue's compute environment can pull (set "image" in both definitions).
#
#   JOB_QUEUE=my-queue bash examples/aws-batch/submit.sh
#
# test/examples/batch-engines.test.ts runs each definition's command locally (index 0..2,
# parts in a temporary folder) and compares the merge with the unsharded sweep.
set -euo pipefail
cd "$(dirname "$0")"
: "${JOB_QUEUE:?set JOB_QUEUE to your AWS Batch job queue}"

aws batch register-job-definition --cli-input-json file://sweep-job-definition.json >/dev/null
aws batch register-job-definition --cli-input-json file://merge-job-definition.json >/dev/null

sweep_id=$(aws batch submit-job --job-name harness-sim-sweep --job-queue "$JOB_QUEUE" \
  --job-definition harness-sim-sweep --array-properties size=3 --query jobId --output text)
# A dependency on the array job's id waits for every child to succeed.
merge_id=$(aws batch submit-job --job-name harness-sim-merge --job-queue "$JOB_QUEUE" \
  --job-definition harness-sim-merge --depends-on jobId="$sweep_id" --query jobId --output text)

echo "sweep: $sweep_id (3 children)  merge: $merge_id"
echo "follow: aws batch describe-jobs --jobs $merge_id --query 'jobs[0].status'"
