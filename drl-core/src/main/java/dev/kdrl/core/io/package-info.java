/**
 * Binary formats: size-checked reads and writes ({@link dev.kdrl.core.io.BinaryIo}) and the zip-with-manifest
 * archive that saved policies and predictors share ({@link dev.kdrl.core.io.ModelArchive}: byte-reproducible,
 * written atomically, size caps, no duplicate entries, no trailing bytes).
 */
package dev.kdrl.core.io;
