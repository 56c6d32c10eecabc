/// Flag, then environment variable, then default — with one clear error for a bad value.
/// Shared by every group of gateway options so the rule and the messages are the same.
struct OptionResolver {
    let environment: [String: String]

    /// The flag's value, else the non-empty environment variable, else nil.
    func text(_ flag: String?, _ variable: String) -> String? {
        if let flag { return flag }
        if let value = self.environment[variable], !value.isEmpty { return value }
        return nil
    }

    func integer(_ flag: String?, _ variable: String, name: String, default fallback: Int, range: ClosedRange<Int>)
        throws -> Int
    {
        guard let text = self.text(flag, variable) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw GatewayConfigurationError(
                "invalid --\(name) \"\(text)\": expected an integer from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return number
    }

    func number(_ flag: String?, _ variable: String, name: String, default fallback: Double, range: ClosedRange<Double>)
        throws -> Double
    {
        guard let text = self.text(flag, variable) else { return fallback }
        guard let number = Double(text), range.contains(number) else {
            throw GatewayConfigurationError(
                "invalid --\(name) \"\(text)\": expected a number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return number
    }

    /// Seconds in (0, 86400].
    func seconds(_ flag: String?, _ variable: String, name: String, default fallback: Double) throws -> Double {
        guard let text = self.text(flag, variable) else { return fallback }
        guard let number = Double(text), number > 0, number <= 86_400 else {
            throw GatewayConfigurationError("invalid --\(name) \"\(text)\": expected seconds between 0 and 86400")
        }
        return number
    }
}
