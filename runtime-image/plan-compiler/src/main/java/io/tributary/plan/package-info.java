/**
 * The plan compiler: spec + context to the complete worker plan, and every rule both sides of the
 * operator/worker contract must apply the same way (CEL environment, field flow, plan check, Kafka
 * client settings).
 */
package io.tributary.plan;
