/**
 * The analysis components the programme index uses (search/analysis.py), for Elasticsearch's
 * integ-test distribution, which ships none of them. Each class is registered in
 * named_components.json under the name of the official component it stands for, and builds the
 * same Lucene objects as that component does with the settings the index passes:
 * <ul>
 *   <li>analysis-icu plugin: icu_tokenizer, icu_folding</li>
 *   <li>analysis-smartcn plugin: the smartcn analyzer</li>
 *   <li>analysis-common module: lowercase (with language), asciifolding (with preserve_original),
 *       decimal_digit, arabic_normalization, persian_normalization, the mapping char filter, and
 *       the arabic, english and russian analyzers</li>
 * </ul>
 * The "stop" filter is in the server itself and is not repeated here. Test use only: production
 * installs the official plugins (deploy/elasticsearch/Dockerfile).
 */
package org.exchangelibrary.analysis;
