import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.event.ruler.Machine;

/**
 * Runs aws/event-ruler on command, one timed pass at a time, so that `bench/ruler.ts` can alternate it with
 * Bridgeport's engine on the same events.
 *
 * Arguments: an events file (one JSON event a line) and a rules file (one line per rule set: its name, a tab, then
 * its rules as a JSON array of patterns). Commands on standard input, one a line:
 *   {@code pass <set> text}   rulesForJSONEvent(String) on every event, timed
 *   {@code pass <set> object} rulesForJSONEvent(JsonNode) on events parsed beforehand, timed
 *   {@code count <set>}       matches per rule (one text pass, untimed)
 * Each answer is one line: {@code ok <nanoseconds> <cpu nanoseconds> <matches>} or {@code counts <rule>=<n> …}, where
 * the CPU time is the whole JVM's (compiler and collector threads included) while the pass ran.
 */
public final class Harness {
    private Harness() {}

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<String> texts = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        List<JsonNode> nodes = new ArrayList<>(texts.size());
        for (String text : texts) nodes.add(mapper.readTree(text));

        Map<String, Machine> machines = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            int tab = line.indexOf('\t');
            String name = line.substring(0, tab);
            JsonNode rules = mapper.readTree(line.substring(tab + 1));
            Machine machine = new Machine();
            for (int i = 0; i < rules.size(); i++) machine.addRule("r" + i, mapper.writeValueAsString(rules.get(i)));
            machines.put(name, machine);
        }
        System.out.println("ready " + texts.size() + " events, " + machines.size() + " rule sets");
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
            String[] words = command.trim().split(" ");
            if (words.length < 2) break;
            Machine machine = machines.get(words[1]);
            if (machine == null) {
                System.out.println("error unknown rule set " + words[1]);
            } else if (words[0].equals("count")) {
                Map<String, Integer> counts = new TreeMap<>();
                for (String text : texts) {
                    for (String rule : machine.rulesForJSONEvent(text)) counts.merge(rule, 1, Integer::sum);
                }
                StringBuilder out = new StringBuilder("counts");
                counts.forEach((rule, n) -> out.append(' ').append(rule).append('=').append(n));
                System.out.println(out);
            } else {
                boolean text = words.length > 2 && words[2].equals("text");
                long matches = 0;
                long cpuStarted = os.getProcessCpuTime();
                long started = System.nanoTime();
                if (text) {
                    for (int i = 0; i < texts.size(); i++) matches += machine.rulesForJSONEvent(texts.get(i)).size();
                } else {
                    for (int i = 0; i < nodes.size(); i++) matches += machine.rulesForJSONEvent(nodes.get(i)).size();
                }
                long elapsed = System.nanoTime() - started;
                long cpu = os.getProcessCpuTime() - cpuStarted;
                System.out.println("ok " + elapsed + " " + cpu + " " + matches);
            }
            System.out.flush();
        }
    }
}
