/**
 * What the agent keeps on disk: the append-only, fsynced history of loads per service and the state of the last
 * decision, replaced atomically.
 */
package dev.kdrl.agent.store;
