/**
 * The published environment exactly, quirks included ({@link dev.kdrl.env.paper.PaperProfile}); its golden
 * trajectories are reproduced by the tests.
 */
package dev.kdrl.env.paper;
