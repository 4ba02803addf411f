package io.herald.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Herald's module boundaries: dependencies point one way (api → dispatcher → subscriptions →
 * store), and no module reaches into another's {@code internal} package. The same rules are run
 * against a fixture that breaks them, to show they bite.
 */
class ArchitectureTest {

    private static final List<String> MODULES = List.of("store", "subscriptions", "dispatcher", "api");

    static List<ArchRule> rules(String root) {
        ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("api").definedBy(root + ".api..")
                .layer("dispatcher").definedBy(root + ".dispatcher..")
                .layer("subscriptions").definedBy(root + ".subscriptions..")
                .layer("store").definedBy(root + ".store..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("dispatcher").mayOnlyBeAccessedByLayers("api")
                .whereLayer("subscriptions").mayOnlyBeAccessedByLayers("dispatcher", "api")
                .whereLayer("store").mayOnlyBeAccessedByLayers("subscriptions", "dispatcher", "api");
        Stream<ArchRule> internals = MODULES.stream().map(module -> noClasses()
                .that().resideOutsideOfPackage(root + "." + module + "..")
                .should().dependOnClassesThat().resideInAPackage(root + "." + module + ".internal..")
                .as("no class outside " + module + " depends on " + module + ".internal")
                .allowEmptyShould(true));
        return Stream.concat(Stream.of(layers), internals).toList();
    }

    @Test
    void shouldKeepDependenciesPointingOneWayAndInternalsPrivate() {
        JavaClasses herald = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.herald");

        rules("io.herald").forEach(rule -> rule.check(herald));
    }

    @Test
    void shouldCatchAStoreClassThatDependsOnTheApi() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.herald.archfixture");

        assertThatThrownBy(() -> rules("io.herald.archfixture").get(0).check(fixture))
                .hasMessageContaining("StoreReachingUp");
    }

    @Test
    void shouldCatchAnotherModuleReachingIntoStoreInternals() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.herald.archfixture");

        assertThatThrownBy(() -> rules("io.herald.archfixture").get(1).check(fixture))
                .hasMessageContaining("ApiReachingIn");
    }
}
