package org.exchangelibrary.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * The built-in analyzers the index names, as their official providers build them with no
 * settings: the Lucene analyzer with its default stop words and no stem exclusions.
 */
public final class Analyzers {
    private Analyzers() {}

    @NamedComponent("arabic")
    public static class Arabic implements AnalyzerFactory {
        @Override
        public Analyzer create() {
            return new ArabicAnalyzer(ArabicAnalyzer.getDefaultStopSet(), CharArraySet.EMPTY_SET);
        }
    }

    @NamedComponent("english")
    public static class English implements AnalyzerFactory {
        @Override
        public Analyzer create() {
            return new EnglishAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, CharArraySet.EMPTY_SET);
        }
    }

    @NamedComponent("russian")
    public static class Russian implements AnalyzerFactory {
        @Override
        public Analyzer create() {
            return new RussianAnalyzer(RussianAnalyzer.getDefaultStopSet(), CharArraySet.EMPTY_SET);
        }
    }

    /** analysis-smartcn's analyzer: SmartChineseAnalyzer with its default stop set. */
    @NamedComponent("smartcn")
    public static class Smartcn implements AnalyzerFactory {
        @Override
        public Analyzer create() {
            return new SmartChineseAnalyzer(SmartChineseAnalyzer.getDefaultStopSet());
        }
    }
}
