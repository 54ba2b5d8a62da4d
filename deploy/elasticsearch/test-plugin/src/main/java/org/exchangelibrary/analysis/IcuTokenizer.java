package org.exchangelibrary.analysis;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.icu.segmentation.DefaultICUTokenizerConfig;
import org.apache.lucene.analysis.icu.segmentation.ICUTokenizer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenizerFactory;

/** analysis-icu's icu_tokenizer without rule files: ICUTokenizer, CJK and Myanmar as words. */
@NamedComponent("icu_tokenizer")
public class IcuTokenizer implements TokenizerFactory {
    @Override
    public Tokenizer create() {
        return new ICUTokenizer(new DefaultICUTokenizerConfig(true, true));
    }
}
