package org.exchangelibrary.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.icu.ICUFoldingFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** analysis-icu's icu_folding without unicode_set_filter: the utr30 normalizer, composed. */
@NamedComponent("icu_folding")
public class IcuFolding implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ICUFoldingFilter(tokenStream);
    }

    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return create(tokenStream);
    }
}
